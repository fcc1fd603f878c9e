// The console's shell: asks for the API key, then routes #/runs, #/runs/<id>, #/dead-letters[/<agent>] and #/fleet.
import {apiKey, get, whenKeyRejected} from './api.js';
import {el, errorText, notice, show} from './dom.js';
import {deadLettersPage, agentsWithDeadLetters} from './deadletters.js';
import {fleetPage} from './fleet.js';
import {runPage} from './run.js';
import {runsPage} from './runs.js';

let leave = () => {};

function keyForm(message) {
  document.getElementById('nav').hidden = true;
  document.getElementById('forget-key').hidden = true;
  const input = el('input', {type: 'password', id: 'api-key', name: 'api-key', autocomplete: 'off', required: true});
  const form = el('form', {id: 'key-form', class: 'key-form'},
    el('label', {for: 'api-key'}, 'API key'), input,
    el('button', {type: 'submit'}, 'Open the console'),
    el('p', {class: 'hint'}, 'The key is kept in this tab only (sessionStorage) and sent as a bearer header.'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    apiKey.set(input.value.trim());
    try {
      await get('/v1/agents');
      notice('');
      route();
    } catch (e) {
      apiKey.clear();
      keyForm('The API refused the key: ' + errorText(e));
    }
  });
  show(el('h1', {}, 'AgentFleet console'), form);
  notice(message || '', Boolean(message));
  input.focus();
}

function route() {
  leave();
  leave = () => {};
  if (!apiKey.get()) {
    keyForm();
    return;
  }
  document.getElementById('nav').hidden = false;
  document.getElementById('forget-key').hidden = false;
  notice('');
  const parts = (location.hash.replace(/^#\/?/, '') || 'runs').split('/').map(decodeURIComponent);
  const pages = {
    runs: () => (parts[1] ? runPage(parts[1]) : runsPage()),
    'dead-letters': () => (parts[1] ? deadLettersPage(parts[1]) : agentsWithDeadLetters()),
    fleet: () => fleetPage(),
  };
  const page = pages[parts[0]] || pages.runs;
  leave = page() || (() => {});
}

whenKeyRejected(() => {
  apiKey.clear();
  leave();
  leave = () => {};
  keyForm('The API refused the key (401/403); enter it again.');
});

document.getElementById('forget-key').addEventListener('click', () => {
  apiKey.clear();
  route();
});
window.addEventListener('hashchange', route);
route();
