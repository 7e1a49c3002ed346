// The header's navigation on a phone: folded behind a "Menu" button (by app.css, from the first paint), opened and
// closed by it. Without scripts, base.html's <noscript> style shows the links, wrapped, and hides the button.
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

// A table wider than the phone scrolls inside its own box (app.css); a box that scrolls must be reachable from the
// keyboard too, so it takes the focus when (and only when) it scrolls.
export function initScrollingTables() {
  const mark = () => {
    for (const table of document.querySelectorAll('main table')) {
      if (table.scrollWidth > table.clientWidth + 1) table.tabIndex = 0;
      else table.removeAttribute('tabindex');
    }
  };
  mark();
  window.addEventListener('resize', mark);
}
