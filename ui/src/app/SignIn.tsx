/**
 * The sign-in page (layer: ui/app): paste a token (`verso token create --name NAME --role ROLE`
 * prints one), or open the URL `verso serve` prints, which signs in by itself.
 */
import { useState, type FormEvent } from 'react';

export function SignIn({ message, onToken }: { message?: string; onToken(token: string): void }) {
  const [token, setToken] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (token.trim() !== '') onToken(token.trim());
  };
  return (
    <main className="sign-in">
      <h1>Verso</h1>
      <p>Label-first version control for computer-vision datasets.</p>
      {message && (
        <p className="error" role="alert">
          {message}
        </p>
      )}
      <form onSubmit={submit}>
        <label htmlFor="token">Access token</label>
        <input
          id="token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          autoFocus
        />
        <button type="submit">Sign in</button>
      </form>
      <p className="hint">
        Create a token with{' '}
        <code>verso token create --name NAME --role read|annotate|review|admin</code>, or open the
        sign-in URL <code>verso serve</code> prints.
      </p>
    </main>
  );
}
