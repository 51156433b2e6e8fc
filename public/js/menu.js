// The three-dots menu below the screen: a menu button with arrow-key navigation.
(function () {
  'use strict';
  document.querySelectorAll('[data-menu]').forEach(function (menu) {
    var button = menu.querySelector('[aria-haspopup="menu"]');
    var list = menu.querySelector('[role="menu"]');
    if (!button || !list) return;

    function items() {
      return Array.prototype.slice.call(list.querySelectorAll('[role="menuitem"]'));
    }
    function open(focusLast) {
      list.hidden = false;
      button.setAttribute('aria-expanded', 'true');
      var all = items();
      var target = focusLast ? all[all.length - 1] : all[0];
      if (target) target.focus();
    }
    function close(returnFocus) {
      list.hidden = true;
      button.setAttribute('aria-expanded', 'false');
      if (returnFocus) button.focus();
    }
    function move(delta) {
      var all = items();
      var index = all.indexOf(document.activeElement);
      var next = all[(index + delta + all.length) % all.length];
      if (next) next.focus();
    }

    button.addEventListener('click', function () {
      if (list.hidden) open(false);
      else close(true);
    });
    button.addEventListener('keydown', function (event) {
      if (event.key === 'ArrowDown') {
        event.preventDefault();
        open(false);
      } else if (event.key === 'ArrowUp') {
        event.preventDefault();
        open(true);
      }
    });
    list.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') {
        event.preventDefault();
        close(true);
      } else if (event.key === 'ArrowDown') {
        event.preventDefault();
        move(1);
      } else if (event.key === 'ArrowUp') {
        event.preventDefault();
        move(-1);
      } else if (event.key === 'Home') {
        event.preventDefault();
        items()[0].focus();
      } else if (event.key === 'End') {
        event.preventDefault();
        var all = items();
        all[all.length - 1].focus();
      } else if (event.key === 'Tab') {
        close(false);
      }
    });
    list.addEventListener('click', function (event) {
      var item = event.target.closest('[role="menuitem"]');
      if (!item) return;
      if (item.getAttribute('aria-disabled') === 'true') {
        event.preventDefault();
        return;
      }
      close(false);
      menu.dispatchEvent(
        new CustomEvent('menu-select', { bubbles: true, detail: { action: item.dataset.menuAction } }),
      );
    });
    document.addEventListener('click', function (event) {
      if (!list.hidden && !menu.contains(event.target)) close(false);
    });
  });
})();
