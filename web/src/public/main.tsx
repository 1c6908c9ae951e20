// The public page (docs/publication.md): the published indicators of a province, read from the
// pre-rendered files under /public/data/. A bundle of its own: no session, no call to /api/.
import { render } from 'preact';
import { currentLang } from '../lib/i18n';
import { PublicPage } from './PublicPage';
import '../styles.css';
import './public.css';

document.documentElement.lang = currentLang();
render(<PublicPage />, document.getElementById('app')!);
