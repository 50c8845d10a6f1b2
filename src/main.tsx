import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { announceConfig, syncUrlWithConfig, useStore } from './state';
import './styles.css';

useStore.getState().loadFromUrl(window.location.search);
announceConfig();
syncUrlWithConfig();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
