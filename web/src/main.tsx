import { render } from 'preact';
import { App } from './App';
import { currentLang } from './lib/i18n';
import { registerServiceWorker } from './lib/sw';
import './styles.css';

document.documentElement.lang = currentLang();
render(<App />, document.getElementById('app')!);
registerServiceWorker();
