import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { announceConfig, guardLeaving, restoreSaved, syncUrlWithConfig, useStore } from './state';
import './styles.css';

useStore.getState().loadFromUrl(window.location.search);
announceConfig();
syncUrlWithConfig();
guardLeaving();

// The runs kept in this browser are back in the history before anything is drawn.
void restoreSaved().finally(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
