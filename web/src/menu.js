// The header's navigation on a phone: folded behind a "Menu" button, opened and closed by it. Without this script
// (or before it runs) the links stay visible, wrapped: the fold is only applied under `html.js`.
export function initMenu() {
  document.documentElement.classList.add('js');
  const button = document.getElementById('menu-toggle');
  const header = document.querySelector('header.top');
  if (!button || !header) return;
  button.addEventListener('click', () => {
    const open = header.classList.toggle('open');
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
  });
}
