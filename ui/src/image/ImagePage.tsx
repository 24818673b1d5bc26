export function ImagePage({ image }: { repo: string; gitRef: string; image: string }) {
  return <p>{image}</p>;
}
