/**
 * A link inside the app (layer: ui/app): a real `<a href>` (opens in a new tab, keyboard
 * focusable) that navigates without reloading on a plain click.
 */
import type { AnchorHTMLAttributes, MouseEvent, ReactNode } from 'react';
import { hrefOf, navigate, type Route } from './router.js';

interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  readonly to: Route;
  readonly children: ReactNode;
}

export function Link({ to, children, ...rest }: LinkProps) {
  const href = hrefOf(to);
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
