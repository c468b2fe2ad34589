// Place autocomplete: a combobox over /api/v1/places?q=… (names in en/kk/ru/ur), keyboard
// operable. The chosen place id is kept in input.dataset.placeId.

import { api } from './api.js';
import { t } from './i18n.js';

const KIND_SYMBOL = {
  city: '●', sea_port: '⚓', dry_port: '▣', rail_station: '▤', border_crossing: '◆', terminal: '■',
};

export function attachAutocomplete(input, list) {
  let timer = null;
  let items = [];
  let active = -1;
  let generation = 0;

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function highlight(index) {
    active = index;
    list.querySelectorAll('li').forEach((li, i) => {
      li.setAttribute('aria-selected', i === index ? 'true' : 'false');
      if (i === index) input.setAttribute('aria-activedescendant', li.id);
    });
  }

  function pick(place) {
    input.value = place.name;
    input.dataset.placeId = place.id;
    close();
    input.dispatchEvent(new CustomEvent('place-picked', { detail: place }));
  }

  function render() {
    list.replaceChildren();
    if (!items.length) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = t('form.no_place');
      list.append(li);
    }
    items.forEach((place, i) => {
      const li = document.createElement('li');
      li.id = input.id + '-option-' + i;
      li.setAttribute('role', 'option');
      li.dataset.placeId = place.id;
      const name = document.createElement('span');
      name.textContent = place.name;
      const kind = document.createElement('span');
      kind.className = 'kind';
      kind.textContent = (KIND_SYMBOL[place.kind] || '') + ' ' + place.country;
      li.append(name, kind);
      li.addEventListener('mousedown', (event) => {
        event.preventDefault();
        pick(place);
      });
      list.append(li);
    });
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  async function search() {
    const query = input.value.trim();
    const mine = ++generation;
    if (!query) {
      close();
      return;
    }
    try {
      const found = await api('/api/v1/places?limit=8&q=' + encodeURIComponent(query));
      if (mine !== generation) return; // a newer keystroke won
      items = found;
      render();
    } catch (e) {
      close();
    }
  }

  input.addEventListener('input', () => {
    delete input.dataset.placeId;
    clearTimeout(timer);
    timer = setTimeout(search, 120);
  });
  input.addEventListener('keydown', (event) => {
    if (list.hidden) return;
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      highlight(Math.min(active + 1, items.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (event.key === 'Enter' && active >= 0) {
      event.preventDefault();
      pick(items[active]);
    } else if (event.key === 'Escape') {
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 100));
}
