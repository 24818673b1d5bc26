export function DiffPage({ from, to }: { repo: string; from: string; to: string }) {
  return (
    <p>
      {from}..{to}
    </p>
  );
}
