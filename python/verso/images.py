"""Images from Python: asset records, image bytes by image id or content hash, thumbnails, and
adding image files to a branch (the server's ``/assets``, ``/blobs`` and
``/branches/{b}/images`` routes).

Bytes are addressed by their SHA-256 (``PUT /blobs/{sha256}`` refuses bytes that do not hash
to it), so an upload of an image the server already has is answered without storing it twice.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional, Union

from .base import RepositoryBase
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


def blob_bytes(repo: RepositoryBase, sha256: str, byte_range: Optional[range] = None) -> bytes:
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

    def image_url(self, image: str, ref: str = "main") -> str:
        """The direct URL of an image's bytes (immutable, cacheable; send the token as
        ``Authorization: Bearer``)."""
        return f"{self.url}/blobs/{image_hash(self, image, ref)}"

    def thumbnail(self, image: str, size: int = 256, ref: str = "main") -> bytes:
        """A WebP thumbnail of an image that fits ``size`` x ``size`` (64, 128, 256, 512)."""
        sha = image_hash(self, image, ref)
        return self.transport.request("GET", f"{self.prefix}/blobs/{sha}/thumbnail", {"size": size}).read()

    def add_images(self, branch: str, files: Mapping[str, Source],
                   message: Optional[str] = None) -> CommitResult:
        """Uploads images (image id -> bytes or file path) and adds them to ``branch`` as one
        commit; bytes the server already has are not stored again."""
        return add_images(self, branch, files, message)
