// Page texts: applied to elements marked data-i18n (text), data-i18n-placeholder and
// data-i18n-title. Numbers are formatted with the browser's Intl for the page language.

let strings = {};
let language = 'en';

export function setStrings(lang, table) {
  language = lang;
  strings = table || {};
}

export function lang() {
  return language;
}

export function t(key) {
  return Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : key;
}

export function applyStrings(root = document) {
  root.querySelectorAll('[data-i18n]').forEach((el) => {
    el.textContent = t(el.dataset.i18n);
  });
  root.querySelectorAll('[data-i18n-placeholder]').forEach((el) => {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  });
  root.querySelectorAll('[data-i18n-title]').forEach((el) => {
    el.title = t(el.dataset.i18nTitle);
  });
}

const formats = new Map();

export function num(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  const key = language + ':' + digits;
  if (!formats.has(key)) {
    formats.set(
      key,
      new Intl.NumberFormat(language, { minimumFractionDigits: digits, maximumFractionDigits: digits }),
    );
  }
  return formats.get(key).format(value);
}

export function nameIn(names, fallback) {
  if (!names) return fallback;
  return names[language] || names.en || fallback;
}
