/**
 * Entry of the web UI (layer: ui): takes a sign-in token from the address (`?token=`), then
 * renders the app.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { takeTokenFromUrl } from './app/session.js';
import './app/app.css';

takeTokenFromUrl();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
