"""Images from Python: asset records, image bytes by image id or content hash, thumbnails, and
adding image files to a branch (the server's ``/assets``, ``/blobs`` and
``/branches/{b}/images`` routes).

Bytes are addressed by their SHA-256 (``PUT /blobs/{sha256}`` refuses bytes that do not hash
to it), so an upload of an image the server already has is answered without storing it twice.
On a repository whose images are in an object store (S3), ``GET /blobs/{sha256}/url`` answers a
presigned URL, and image bytes are read straight from the store (as lakeFS does), not through
the server. A client on the server's own machine is also told the blob's file (``path``), and
reads the files of that blob folder itself from then on (named by hash, ``ab/cd/<sha256>``, and
never changed), with no request per image. The client learns once per repository which applies.
"""

from __future__ import annotations

import hashlib
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional, Union

from .base import RepositoryBase
from .errors import VersoError
from .records import CommitResult
from .transport import Stream, segment

HASH = re.compile(r"^[0-9a-f]{64}$")
Source = Union[bytes, str, "os.PathLike[str]"]


@dataclass(frozen=True)
class Asset:
    """An image's asset record at a ref: its file name, size in pixels, media type and the
    SHA-256 of its bytes (``storage``: ``blob``, or ``reference`` with a ``uri``)."""

    image: str
    file_name: str
    width: Optional[int]
    height: Optional[int]
    media_type: Optional[str]
    sha256: Optional[str]
    size: Optional[int]
    storage: Optional[str]
    uri: Optional[str]
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @staticmethod
    def from_json(d: Dict[str, Any]) -> "Asset":
        return Asset(str(d["image"]), d.get("file_name", ""), d.get("width"), d.get("height"),
                     d.get("media_type"), d.get("sha256"), d.get("size"), d.get("storage"),
                     d.get("uri"), d)


@dataclass(frozen=True)
class BlobLocation:
    """Where a blob's bytes are read: ``direct`` (a presigned object-store URL, no token needed,
    until ``expires_at``) or this server's ``/blobs`` URL (send the token)."""

    url: str
    direct: bool
    size: int
    expires_at: Optional[str] = None
    #: The blob's file on this machine, when the server runs here and keeps one.
    path: Optional[str] = None


def blob_location(repo: RepositoryBase, sha256: str,
                  expires_in: Optional[int] = None) -> BlobLocation:
    answer = repo.transport.call("GET", f"{repo.prefix}/blobs/{segment(sha256)}/url",
                                 {"expires_in": expires_in})
    url = answer["url"]
    if not answer["direct"]:
        t = repo.transport
        url = f"{t.scheme}://{t.host}:{t.port}{url}"
    return BlobLocation(url, bool(answer["direct"]), int(answer["size"]), answer.get("expires_at"),
                        answer.get("path"))


def blob_folder(sha256: str, path: Optional[str]) -> Optional[str]:
    """The folder of a blob store laid out as ``ab/cd/<sha256>``, from one blob's file, if
    that file is there and readable by this process."""
    if not path or not os.access(path, os.R_OK):
        return None
    tail = os.path.join(sha256[:2], sha256[2:4], sha256)
    return path[: -len(tail)] if path.endswith(os.sep + tail) else None


def read_file(path: str, byte_range: Optional[range]) -> bytes:
    with open(path, "rb") as f:
        if byte_range is None:
            return f.read()
        f.seek(byte_range.start)
        return f.read(len(byte_range))


def read_direct(url: str, byte_range: Optional[range], timeout: float) -> bytes:
    """The bytes at a presigned URL (no token: the URL is the permission)."""
    headers = {}
    if byte_range is not None:
        headers["Range"] = f"bytes={byte_range.start}-{byte_range.stop - 1}"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                    timeout=timeout) as answer:
            return answer.read()
    except urllib.error.HTTPError as e:
        raise VersoError(f"the object store answered {e.code} for an image's presigned URL",
                         code="OBJECT_STORE_IO", status=e.code) from None


def blob_bytes(repo: "ImageMethods", sha256: str, byte_range: Optional[range] = None) -> bytes:
    folder = repo._blob_folder
    if folder:
        path = os.path.join(folder, sha256[:2], sha256[2:4], sha256)
        if os.path.isfile(path):
            return read_file(path, byte_range)
    elif repo._direct_blobs is not False:
        where = blob_location(repo, sha256)
        repo._direct_blobs = where.direct
        if where.direct:
            return read_direct(where.url, byte_range, repo.transport.timeout)
        repo._blob_folder = blob_folder(sha256, where.path)
        if repo._blob_folder:
            return read_file(where.path or "", byte_range)
    headers = {}
    if byte_range is not None:
        headers["Range"] = f"bytes={byte_range.start}-{byte_range.stop - 1}"
    return repo.transport.request("GET", f"{repo.prefix}/blobs/{segment(sha256)}",
                                  headers=headers).read()


def image_hash(repo: "ImageMethods", image: str, ref: str) -> str:
    """The content hash of an image id at a ref (an id that is already a hash is itself)."""
    if HASH.match(image):
        return image
    asset = repo.asset(image, ref)
    if not asset.sha256:
        from .errors import NotFound

        raise NotFound(f"image '{image}' has no stored bytes at {ref} (storage: {asset.storage}, "
                       f"uri: {asset.uri})", code="BLOB_NOT_FOUND", status=404,
                       data={"image": image})
    return asset.sha256


def put_blob(repo: RepositoryBase, source: Source) -> str:
    """Uploads bytes (or a file's) under their SHA-256; returns the hash."""
    if isinstance(source, bytes):
        data = source
    else:
        with open(os.fspath(source), "rb") as f:
            data = f.read()
    digest = hashlib.sha256(data).hexdigest()
    repo.transport.call("PUT", f"{repo.prefix}/blobs/{digest}", body=data,
                        content_type="application/octet-stream")
    return digest


def add_images(repo: RepositoryBase, branch: str, images: Mapping[str, Source],
               message: Optional[str] = None) -> CommitResult:
    """Uploads each image's bytes and adds them to ``branch`` as one commit (image id -> bytes
    or file path; a file keeps its name)."""
    entries = []
    for image, source in images.items():
        entry: Dict[str, Any] = {"image": image, "sha256": put_blob(repo, source)}
        if not isinstance(source, bytes):
            entry["file_name"] = os.path.basename(os.fspath(source))
        entries.append(entry)
    answer = repo.transport.call("POST", f"{repo.prefix}/branches/{segment(branch)}/images",
                                 {"message": message}, json_body=entries)
    return CommitResult.from_json(answer)


class ImageMethods(RepositoryBase):
    #: Whether the server hands out presigned blob URLs (None: not asked yet).
    _direct_blobs: Optional[bool] = None
    #: The server's blob folder when it is on this machine and readable here (None: not known).
    _blob_folder: Optional[str] = None

    def assets(self, ref: str = "main") -> Stream[Asset]:
        """Every image's asset record at ``ref``, in image id order, streamed."""
        return self._stream("/assets", {"ref": ref}, Asset.from_json)

    def asset(self, image: str, ref: str = "main") -> Asset:
        """One image's asset record at ``ref``."""
        return Asset.from_json(self._call("GET", f"/assets/{segment(image)}", {"ref": ref}))

    def image(self, image: str, ref: str = "main", byte_range: Optional[range] = None) -> bytes:
        """The bytes of an image (its id at ``ref``, or its SHA-256); ``byte_range`` reads a
        part (``range(0, 1024)``)."""
        return blob_bytes(self, image_hash(self, image, ref), byte_range)

    def image_url(self, image: str, ref: str = "main", expires_in: Optional[int] = None) -> str:
        """The URL of an image's bytes: on an object store (S3), a presigned URL that needs no
        token, valid ``expires_in`` seconds (default 15 minutes); otherwise this server's URL
        (immutable, cacheable; send the token as ``Authorization: Bearer``)."""
        return self.image_location(image, ref, expires_in).url

    def image_location(self, image: str, ref: str = "main",
                       expires_in: Optional[int] = None) -> BlobLocation:
        """Where an image's bytes are read, and whether that is straight from the object store."""
        return blob_location(self, image_hash(self, image, ref), expires_in)

    def thumbnail(self, image: str, size: int = 256, ref: str = "main") -> bytes:
        """A WebP thumbnail of an image that fits ``size`` x ``size`` (64, 128, 256, 512)."""
        sha = image_hash(self, image, ref)
        return self.transport.request("GET", f"{self.prefix}/blobs/{sha}/thumbnail", {"size": size}).read()

    def add_images(self, branch: str, files: Mapping[str, Source],
                   message: Optional[str] = None) -> CommitResult:
        """Uploads images (image id -> bytes or file path) and adds them to ``branch`` as one
        commit; bytes the server already has are not stored again."""
        return add_images(self, branch, files, message)
