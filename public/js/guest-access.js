// The Manage guest access and Create new link windows on the media page.
// Talks to the JSON API with the launch's ltik; the server enforces every rule again.
(function () {
  'use strict';

  var main = document.querySelector('main[data-room-id]');
  var manageDialog = document.getElementById('guest-access-dialog');
  if (!main || !manageDialog) return;

  var client = window.Guestlink.roomApi();
  var request = client.request;
  var messageOf = client.messageOf;
  var announce = client.announce;
  var ltik = client.ltik;
  var api = client.base;
  var locale = main.dataset.locale || undefined;

  var createDialog = document.getElementById('create-link-dialog');
  var deleteDialog = document.getElementById('delete-link-dialog');
  var toggle = document.getElementById('guest-access-toggle');
  var countText = document.getElementById('guest-link-count');
  var tableWrap = document.getElementById('guest-links-table-wrap');
  var tableBody = document.getElementById('guest-links-body');
  var createButton = document.getElementById('create-link-button');
  var createNote = document.getElementById('create-link-note');
  var manageError = document.getElementById('guest-access-error');
  var form = document.getElementById('create-link-form');
  var formError = document.getElementById('create-link-error');
  var menuButton = document.getElementById('room-menu-button');

  var state = null;
  var linkToDelete = null;

  var FIELDS = {
    name: { input: 'link-name', error: 'link-name-error' },
    clicks: { input: 'link-clicks', error: 'link-clicks-error' },
    durationDays: { input: 'link-duration', error: 'link-duration-error' },
  };
  var STATUS_LABELS = { expired: 'Expired', 'used-up': 'Used up', inactive: 'Inactive' };

  function showError(element, message) {
    element.textContent = message;
    element.hidden = !message;
  }

  // Date and time in the viewer's own time zone, named: "expires at 5:00 PM" must not leave
  // anyone guessing whose afternoon that is.
  function formatExpiry(iso) {
    return new Date(iso).toLocaleString(locale, {
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    });
  }

  function expiryCell(iso) {
    var cell = el('td', null, iso ? null : 'Never');
    cell.dataset.label = 'Expires';
    if (!iso) return cell;
    var time = el('time', null, formatExpiry(iso));
    time.setAttribute('datetime', iso);
    cell.appendChild(time);
    return cell;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function iconButton(icon, label, onClick) {
    var button = el('button', 'icon-button');
    button.type = 'button';
    button.setAttribute('aria-label', label);
    button.title = label;
    var svgNs = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(svgNs, 'svg');
    svg.setAttribute('class', 'icon');
    svg.setAttribute('aria-hidden', 'true');
    var use = document.createElementNS(svgNs, 'use');
    use.setAttribute('href', '#icon-' + icon);
    svg.appendChild(use);
    button.appendChild(svg);
    button.addEventListener('click', onClick);
    return button;
  }

  function countLabel(count) {
    if (count === 0) return 'No links added';
    return count === 1 ? '1 link' : count + ' links';
  }

  function render() {
    var links = state.links;
    toggle.disabled = false;
    toggle.setAttribute('aria-checked', state.enabled ? 'true' : 'false');
    countText.textContent = countLabel(links.length);
    tableWrap.hidden = links.length === 0;
    tableBody.textContent = '';
    links.forEach(function (link) {
      var row = el('tr');
      row.dataset.linkId = link.id;
      var nameCell = el('td', 'link-name-cell');
      nameCell.appendChild(el('span', 'link-name', link.name));
      if (STATUS_LABELS[link.status]) {
        nameCell.appendChild(el('span', 'status-badge status-' + link.status, STATUS_LABELS[link.status]));
      }
      row.appendChild(nameCell);
      row.appendChild(expiryCell(link.expiresAt));
      var clicks = el('td');
      clicks.dataset.label = '# of clicks';
      if (link.clicksLimit === null) {
        clicks.textContent = 'unlimited';
        if (link.clicksUsed > 0) clicks.appendChild(el('span', 'muted', ' · ' + link.clicksUsed + ' used'));
      } else {
        clicks.textContent = link.clicksUsed + ' / ' + link.clicksLimit;
      }
      row.appendChild(clicks);
      var actions = el('td', 'link-actions');
      actions.appendChild(
        iconButton('copy', 'Copy link ' + link.name, function (event) {
          copyLink(link, event.currentTarget);
        }),
      );
      actions.appendChild(
        iconButton('trash', 'Delete link ' + link.name, function () {
          askDelete(link);
        }),
      );
      row.appendChild(actions);
      tableBody.appendChild(row);
    });
    var full = links.length >= state.maxLinks;
    createButton.disabled = !state.enabled || full;
    createNote.textContent = !state.enabled
      ? 'Turn on guest access to create links.'
      : full
        ? 'This room has 3 guest links, the most it can have. Delete one to create another.'
        : '';
  }

  function load() {
    showError(manageError, '');
    return request('GET', '/guest-access').then(
      function (json) {
        state = json;
        render();
      },
      function (failure) {
        countText.textContent = '';
        showError(manageError, messageOf(failure));
      },
    );
  }

  function openManage() {
    countText.textContent = 'Loading…';
    manageDialog.showModal();
    load().then(function () {
      toggle.focus();
    });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return legacyCopy(text);
      });
    }
    return legacyCopy(text);
  }

  // Inside some LMS frames the Clipboard API is blocked; a selected field still copies.
  function legacyCopy(text) {
    return new Promise(function (resolve, reject) {
      var field = el('textarea');
      field.value = text;
      field.setAttribute('readonly', '');
      field.className = 'visually-hidden';
      manageDialog.appendChild(field);
      field.select();
      var copied = false;
      try {
        copied = document.execCommand('copy');
      } catch {
        copied = false;
      }
      manageDialog.removeChild(field);
      if (copied) resolve();
      else reject(new Error('copy refused'));
    });
  }

  function copyLink(link, button) {
    copyText(link.url).then(
      function () {
        button.classList.add('is-copied');
        window.setTimeout(function () {
          button.classList.remove('is-copied');
        }, 2000);
        announce('Link copied');
      },
      function () {
        showError(manageError, 'Your browser blocked copying. Copy the link by hand: ' + link.url);
      },
    );
  }

  function askDelete(link) {
    linkToDelete = link;
    document.getElementById('delete-link-name').textContent = link.name;
    showError(document.getElementById('delete-link-error'), '');
    deleteDialog.showModal();
    document.getElementById('delete-link-cancel').focus();
  }

  function confirmDelete() {
    var link = linkToDelete;
    var confirmButton = document.getElementById('delete-link-confirm');
    confirmButton.disabled = true;
    request('DELETE', '/guest-links/' + encodeURIComponent(link.id))
      .then(
        function () {
          deleteDialog.close();
          announce('Link “' + link.name + '” deleted');
          return load();
        },
        function (failure) {
          if (failure.status === 404) {
            deleteDialog.close();
            announce('That link was already deleted');
            return load();
          }
          showError(document.getElementById('delete-link-error'), messageOf(failure));
        },
      )
      .then(function () {
        confirmButton.disabled = false;
        if (!deleteDialog.open) (createButton.disabled ? toggle : createButton).focus();
      });
  }

  function setToggle() {
    var enabled = toggle.getAttribute('aria-checked') !== 'true';
    toggle.disabled = true;
    request('PUT', '/guest-access', { enabled: enabled }).then(
      function (json) {
        state = json;
        render();
        toggle.focus();
        announce(enabled ? 'Guest access enabled' : 'Guest access turned off. All guest links are inactive.');
      },
      function (failure) {
        toggle.disabled = false;
        showError(manageError, messageOf(failure));
      },
    );
  }

  function clearFieldErrors() {
    Object.keys(FIELDS).forEach(function (field) {
      var input = document.getElementById(FIELDS[field].input);
      input.removeAttribute('aria-invalid');
      showError(document.getElementById(FIELDS[field].error), '');
    });
    showError(formError, '');
  }

  function fieldError(field, message) {
    var target = FIELDS[field];
    if (!target) {
      showError(formError, message);
      return;
    }
    var input = document.getElementById(target.input);
    input.setAttribute('aria-invalid', 'true');
    showError(document.getElementById(target.error), message);
  }

  // The same wording as the server's (src/guest-access/guest-link.ts): say what is allowed.
  function countOf(count, unit) {
    return count.toLocaleString('en-US') + ' ' + unit + (count === 1 ? '' : 's');
  }

  function wholeNumber(value, label, max, unit) {
    if (value === '') return { value: null };
    if (/^-\d+$/.test(value) || /^0+$/.test(value))
      return { error: label + ' must be at least ' + countOf(1, unit) + '.' };
    if (!/^\d+$/.test(value))
      return {
        error:
          label + ' must be a whole number of ' + unit + 's from 1 to ' + max.toLocaleString('en-US') + '.',
      };
    var number = Number(value);
    if (number > max) return { error: label + ' must be at most ' + countOf(max, unit) + '.' };
    return { value: number };
  }

  function readForm() {
    var errors = {};
    var name = document.getElementById('link-name').value.trim();
    if (!name) errors.name = 'Enter a link name.';
    else if (name.length > 80) errors.name = 'Use at most 80 characters.';
    var clicks = wholeNumber(
      document.getElementById('link-clicks').value.trim(),
      '# of clicks',
      100000,
      'click',
    );
    if (clicks.error) errors.clicks = clicks.error;
    var days = wholeNumber(document.getElementById('link-duration').value.trim(), 'Duration', 365, 'day');
    if (days.error) errors.durationDays = days.error;
    var body = { name: name };
    if (clicks.value) body.clicks = clicks.value;
    if (days.value) body.durationDays = days.value;
    return { body: body, errors: errors };
  }

  function focusFirstInvalid() {
    var invalid = form.querySelector('[aria-invalid="true"]');
    if (invalid) invalid.focus();
  }

  function submitCreate(event) {
    event.preventDefault();
    clearFieldErrors();
    var input = readForm();
    var fields = Object.keys(input.errors);
    if (fields.length) {
      fields.forEach(function (field) {
        fieldError(field, input.errors[field]);
      });
      focusFirstInvalid();
      return;
    }
    var submit = document.getElementById('create-link-submit');
    submit.disabled = true;
    request('POST', '/guest-links', input.body)
      .then(
        function (link) {
          createDialog.close();
          announce('Link “' + link.name + '” created');
          return load();
        },
        function (failure) {
          fieldError(failure.error && failure.error.field, messageOf(failure));
          focusFirstInvalid();
        },
      )
      .then(function () {
        submit.disabled = false;
      });
  }

  function openCreate() {
    form.reset();
    clearFieldErrors();
    createDialog.showModal();
    document.getElementById('link-name').focus();
  }

  var logDialog = document.getElementById('guest-log-dialog');

  function openLog() {
    var body = document.getElementById('guest-log-body');
    body.textContent = '';
    document.getElementById('guest-log-csv').href =
      api + '/guest-log?format=csv&ltik=' + encodeURIComponent(ltik);
    logDialog.showModal();
    request('GET', '/guest-log').then(
      function (json) {
        document.getElementById('guest-log-empty').hidden = json.entries.length > 0;
        json.entries.forEach(function (entry) {
          body.appendChild(window.Guestlink.guestLogRow(entry, locale));
        });
      },
      function (failure) {
        document.getElementById('guest-log-empty').hidden = false;
        document.getElementById('guest-log-empty').textContent = messageOf(failure);
      },
    );
  }

  document.addEventListener('menu-select', function (event) {
    if (event.detail && event.detail.action === 'manage-guest-access') openManage();
  });
  toggle.addEventListener('click', setToggle);
  createButton.addEventListener('click', openCreate);
  document.getElementById('guest-log-button').addEventListener('click', openLog);
  form.addEventListener('submit', submitCreate);
  document.getElementById('delete-link-confirm').addEventListener('click', confirmDelete);

  [manageDialog, createDialog, deleteDialog, logDialog].forEach(function (dialog) {
    dialog.querySelectorAll('[data-close]').forEach(function (button) {
      button.addEventListener('click', function () {
        dialog.close();
      });
    });
  });
  createDialog.addEventListener('close', function () {
    if (manageDialog.open) (createButton.disabled ? toggle : createButton).focus();
  });
  manageDialog.addEventListener('close', function () {
    if (menuButton) menuButton.focus();
  });
})();
