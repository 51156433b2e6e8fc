// The Manage guest access window on the media page, and the windows it opens: Create new
// link (also Edit link), Delete, QR code.
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
  var api = client.base;
  var t = window.Guestlink.t;
  var el = window.Guestlink.el;
  var showError = window.Guestlink.showError;

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

  var qrDialog = document.getElementById('qr-dialog');
  var expiryPreview = document.getElementById('link-expiry-preview');
  var clicksInput = document.getElementById('link-clicks');
  var durationInput = document.getElementById('link-duration');

  var state = null;
  var linkToDelete = null;
  // The link the Create window edits; null while it creates one.
  var linkToEdit = null;
  // Edit mode: the duration field's first value, to tell "left as it was" from "changed".
  var durationAsOpened = '';
  var clicksAsOpened = '';

  var FIELDS = {
    name: { input: 'link-name', error: 'link-name-error' },
    clicks: { input: 'link-clicks', error: 'link-clicks-error' },
    durationDays: { input: 'link-duration', error: 'link-duration-error' },
  };
  var STATUS_LABELS = {
    expired: 'guestAccess:js.status.expired',
    'used-up': 'guestAccess:js.status.usedUp',
    inactive: 'guestAccess:js.status.inactive',
  };

  // Date and time in the viewer's own time zone, named: "expires at 5:00 PM" must not leave
  // anyone guessing whose afternoon that is.
  function formatExpiry(when) {
    return window.Guestlink.formatDate(new Date(when), {
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    });
  }

  function expiryCell(iso) {
    var cell = el('td', null, iso ? null : t('guestAccess:js.never'));
    cell.dataset.label = t('guestAccess:js.expires');
    if (!iso) return cell;
    var time = el('time', null, formatExpiry(iso));
    time.setAttribute('datetime', iso);
    cell.appendChild(time);
    return cell;
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

  // "2 used · 3 left": what the link has given and what it still can.
  function clicksText(link) {
    if (link.clicksLimit === null) return t('guestAccess:js.clicks.noLimit', { used: link.clicksUsed });
    return t('guestAccess:js.clicks.left', {
      used: link.clicksUsed,
      left: Math.max(0, link.clicksLimit - link.clicksUsed),
    });
  }

  function countLabel(count) {
    return t('guestAccess:js.count', { count: count });
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
        nameCell.appendChild(el('span', 'status-badge status-' + link.status, t(STATUS_LABELS[link.status])));
      }
      var urlField = window.Guestlink.linkUrlField(link.url, t('guestAccess:js.urlOf', { name: link.name }));
      nameCell.appendChild(urlField);
      nameCell.appendChild(el('span', 'copy-feedback'));
      row.appendChild(nameCell);
      row.appendChild(expiryCell(link.expiresAt));
      var clicks = el('td', null, clicksText(link));
      clicks.dataset.label = t('guestAccess:js.clicksLabel');
      row.appendChild(clicks);
      var actions = el('td', 'link-actions');
      actions.appendChild(
        iconButton('edit', t('guestAccess:js.action.edit', { name: link.name }), function () {
          openEdit(link);
        }),
      );
      actions.appendChild(
        iconButton('copy', t('guestAccess:js.action.copy', { name: link.name }), function (event) {
          copyLink(link, event.currentTarget, urlField);
        }),
      );
      actions.appendChild(
        iconButton('qr', t('guestAccess:js.action.qr', { name: link.name }), function () {
          openQr(link);
        }),
      );
      actions.appendChild(
        iconButton('trash', t('guestAccess:js.action.delete', { name: link.name }), function () {
          askDelete(link);
        }),
      );
      row.appendChild(actions);
      tableBody.appendChild(row);
    });
    var full = links.length >= state.maxLinks;
    createButton.disabled = !state.enabled || full;
    createNote.textContent = !state.enabled
      ? t('guestAccess:js.note.turnOn')
      : full
        ? t('guestAccess:js.note.full')
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
    countText.textContent = t('guestAccess:js.loading');
    manageDialog.showModal();
    load().then(function () {
      toggle.focus();
    });
  }

  function copyLink(link, button, urlField) {
    window.Guestlink.copyLink({
      url: link.url,
      button: button,
      field: urlField,
      container: manageDialog,
      errorBox: manageError,
      announce: announce,
    });
  }

  // The sentence names the link in bold (#delete-link-name): its words around the name come
  // from the message, wherever the language puts the name.
  var NAME_MARK = '\u2063';
  function deleteDescription(name) {
    var description = document.getElementById('delete-link-description');
    var words = t('guestAccess:js.delete.description', { name: NAME_MARK }).split(NAME_MARK);
    description.textContent = '';
    description.appendChild(document.createTextNode(words[0]));
    var strong = el('strong', null, name);
    strong.id = 'delete-link-name';
    description.appendChild(strong);
    description.appendChild(document.createTextNode(words.slice(1).join(name)));
  }

  function askDelete(link) {
    linkToDelete = link;
    deleteDescription(link.name);
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
          announce(t('guestAccess:js.announce.deleted', { name: link.name }));
          return load();
        },
        function (failure) {
          if (failure.status === 404) {
            deleteDialog.close();
            announce(t('guestAccess:js.announce.alreadyDeleted'));
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
        announce(enabled ? t('guestAccess:js.announce.enabled') : t('guestAccess:js.announce.disabled'));
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

  // The same words as the server's (src/guest-access/guest-link.ts, the same keys): say what is allowed.
  var LIMITS = {
    clicks: {
      max: 100000,
      whole: 'guestAccess:js.errors.clicksWhole',
      min: 'guestAccess:js.errors.clicksMin',
      tooMany: 'guestAccess:js.errors.clicksMax',
    },
    durationDays: {
      max: 365,
      whole: 'guestAccess:js.errors.durationWhole',
      min: 'guestAccess:js.errors.durationMin',
      tooMany: 'guestAccess:js.errors.durationMax',
    },
  };

  function wholeNumber(value, limits) {
    if (value === '') return { value: null };
    if (/^-\d+$/.test(value) || /^0+$/.test(value)) return { error: t(limits.min) };
    if (!/^\d+$/.test(value)) return { error: t(limits.whole, { max: limits.max }) };
    var number = Number(value);
    if (number > limits.max) return { error: t(limits.tooMany, { max: limits.max }) };
    return { value: number };
  }

  function readForm() {
    var errors = {};
    var name = document.getElementById('link-name').value.trim();
    if (!name) errors.name = t('guestAccess:js.errors.nameRequired');
    else if (name.length > 80) errors.name = t('guestAccess:js.errors.nameTooLong', { max: 80 });
    var clicksRaw = clicksInput.value.trim();
    var clicks = wholeNumber(clicksRaw, LIMITS.clicks);
    if (clicks.error) errors.clicks = clicks.error;
    else if (linkToEdit && clicks.value !== null && clicks.value < linkToEdit.clicksUsed)
      errors.clicks = t('guestAccess:js.errors.clicksBelowUsed', { used: linkToEdit.clicksUsed });
    var durationRaw = durationInput.value.trim();
    var days = wholeNumber(durationRaw, LIMITS.durationDays);
    if (days.error) errors.durationDays = days.error;
    var body = { name: name };
    if (!linkToEdit) {
      if (clicks.value) body.clicks = clicks.value;
      if (days.value) body.durationDays = days.value;
    } else {
      // An edit sends only what changed; an emptied field clears the limit (null).
      if (clicksRaw !== clicksAsOpened) body.clicks = clicks.value;
      if (durationRaw !== durationAsOpened) body.durationDays = days.value;
    }
    return { body: body, errors: errors };
  }

  var DAY_MS = 24 * 60 * 60 * 1000;

  // "The link will expire on …": what a duration means, before saving. Durations count
  // from now, in the create window and when editing alike.
  function updateExpiryPreview() {
    var raw = durationInput.value.trim();
    var text = '';
    if (linkToEdit && raw === durationAsOpened) {
      var expiresAt = linkToEdit.expiresAt;
      if (!expiresAt) text = t('guestAccess:js.expiry.never');
      else if (new Date(expiresAt).getTime() <= Date.now())
        text = t('guestAccess:js.expiry.expired', { date: formatExpiry(expiresAt) });
      else text = t('guestAccess:js.expiry.expires', { date: formatExpiry(expiresAt) });
    } else if (raw === '') {
      text = linkToEdit ? t('guestAccess:js.expiry.willNever') : '';
    } else {
      var days = wholeNumber(raw, LIMITS.durationDays);
      if (days.value)
        text = t('guestAccess:js.expiry.will', {
          date: formatExpiry(new Date(Date.now() + days.value * DAY_MS)),
        });
    }
    expiryPreview.textContent = text;
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
    var editing = linkToEdit;
    var saved = editing
      ? request('PATCH', '/guest-links/' + encodeURIComponent(editing.id), input.body)
      : request('POST', '/guest-links', input.body);
    saved
      .then(
        function (link) {
          createDialog.close();
          announce(
            editing
              ? t('guestAccess:js.announce.saved', { name: link.name })
              : t('guestAccess:js.announce.created', { name: link.name }),
          );
          // The list is drawn anew: focus what the close left focused again.
          return load().then(function () {
            if (manageDialog.open) focusAfterForm(editing);
          });
        },
        function (failure) {
          if (editing && failure.status === 404) {
            createDialog.close();
            announce(t('guestAccess:js.announce.wasDeleted'));
            return load().then(function () {
              if (manageDialog.open) focusAfterForm(null);
            });
          }
          fieldError(failure.error && failure.error.field, messageOf(failure));
          focusFirstInvalid();
        },
      )
      .then(function () {
        submit.disabled = false;
      });
  }

  // Back to the edited link's Edit button when it is still listed, else to Create new link.
  function focusAfterForm(link) {
    var row = link && tableBody.querySelector('tr[data-link-id="' + link.id + '"]');
    (row ? row.querySelector('button') : createButton.disabled ? toggle : createButton).focus();
  }

  // One window creates and edits: only its title, wording and button change.
  function setFormMode(link) {
    linkToEdit = link;
    form.reset();
    clearFieldErrors();
    document.getElementById('create-link-title').textContent = link
      ? t('guestAccess:js.form.editTitle')
      : t('guestAccess:js.form.createTitle');
    document.getElementById('create-link-submit').textContent = link
      ? t('guestAccess:js.form.save')
      : t('guestAccess:js.form.create');
    document.getElementById('create-link-description').textContent = link
      ? t('guestAccess:js.form.editDescription')
      : t('guestAccess:js.form.createDescription');
    // A sentence of its own after the hint's.
    document.getElementById('link-clicks-used').textContent = link
      ? ' ' + t('guestAccess:js.form.usedSoFar', { used: link.clicksUsed })
      : '';
  }

  function openCreate() {
    setFormMode(null);
    clicksAsOpened = '';
    durationAsOpened = '';
    updateExpiryPreview();
    createDialog.showModal();
    document.getElementById('link-name').focus();
  }

  // The duration shown when editing is the whole days left (rounded up); saved unchanged,
  // the expiry stays exactly as it was.
  function daysLeft(expiresAt) {
    if (!expiresAt) return '';
    var days = Math.ceil((new Date(expiresAt).getTime() - Date.now()) / DAY_MS);
    return days > 0 ? String(Math.min(days, 365)) : '';
  }

  function openEdit(link) {
    setFormMode(link);
    document.getElementById('link-name').value = link.name;
    clicksInput.value = link.clicksLimit === null ? '' : String(link.clicksLimit);
    clicksAsOpened = clicksInput.value;
    durationInput.value = daysLeft(link.expiresAt);
    durationAsOpened = durationInput.value;
    updateExpiryPreview();
    createDialog.showModal();
    document.getElementById('link-name').focus();
  }

  var qrImage = document.getElementById('qr-image');
  var qrFigure = document.getElementById('qr-figure');
  var qrFullscreen = document.getElementById('qr-fullscreen');

  /**
   * A file of the API as a blob URL: fetched with the ltik in the Authorization header, which
   * an <img src> or a download link could only carry in its address (README, “The launch token stays out of addresses”).
   */
  function fetchBlob(path) {
    return fetch(api + path, { headers: client.headers, credentials: 'same-origin', cache: 'no-store' }).then(
      function (response) {
        if (!response.ok) throw { status: response.status };
        return response.blob();
      },
    );
  }

  var qrUrl = null;
  function showQrImage(url) {
    if (qrUrl) URL.revokeObjectURL(qrUrl);
    qrUrl = url;
    if (url) qrImage.src = url;
    else qrImage.removeAttribute('src');
  }

  function qrFailed() {
    if (!qrDialog.open) return;
    showError(document.getElementById('qr-error'), t('guestAccess:js.qr.failed'));
  }

  // The code is drawn by the server (an SVG image), fetched with the ltik in a header.
  function openQr(link) {
    showError(document.getElementById('qr-error'), '');
    qrImage.alt = t('guestAccess:js.qr.alt', { name: link.name });
    showQrImage(null);
    fetchBlob('/guest-links/' + encodeURIComponent(link.id) + '/qr-code').then(function (blob) {
      showQrImage(URL.createObjectURL(blob));
    }, qrFailed);
    document.getElementById('qr-link-name').textContent = link.name;
    document.getElementById('qr-link-url').textContent = link.url;
    // Frames without allowfullscreen cannot go full screen: offer it only where it works.
    qrFullscreen.hidden = !(document.fullscreenEnabled && qrFigure.requestFullscreen);
    qrDialog.showModal();
  }

  qrImage.addEventListener('error', function () {
    if (qrImage.getAttribute('src')) qrFailed();
  });
  qrDialog.addEventListener('close', function () {
    showQrImage(null);
  });
  qrFullscreen.addEventListener('click', function () {
    qrFigure.requestFullscreen().catch(function () {
      qrFullscreen.hidden = true;
    });
  });

  var logDialog = document.getElementById('guest-log-dialog');

  function openLog() {
    var body = document.getElementById('guest-log-body');
    body.textContent = '';
    logDialog.showModal();
    request('GET', '/guest-log').then(
      function (json) {
        document.getElementById('guest-log-empty').hidden = json.entries.length > 0;
        json.entries.forEach(function (entry) {
          body.appendChild(window.Guestlink.guestLogRow(entry));
        });
      },
      function (failure) {
        document.getElementById('guest-log-empty').hidden = false;
        document.getElementById('guest-log-empty').textContent = messageOf(failure);
      },
    );
  }

  // The CSV is fetched with the ltik in a header, then saved through a temporary blob link.
  function downloadCsv() {
    var empty = document.getElementById('guest-log-empty');
    fetchBlob('/guest-log?format=csv').then(
      function (blob) {
        var link = document.createElement('a');
        link.href = URL.createObjectURL(blob);
        link.download = 'guest-log-' + main.dataset.roomId + '.csv';
        link.hidden = true;
        document.body.appendChild(link);
        link.click();
        link.remove();
        window.setTimeout(function () {
          URL.revokeObjectURL(link.href);
        }, 1000);
      },
      function (failure) {
        empty.textContent = messageOf(failure);
        empty.hidden = false;
      },
    );
  }

  document.addEventListener('menu-select', function (event) {
    if (event.detail && event.detail.action === 'manage-guest-access') openManage();
  });
  document.getElementById('guest-log-csv').addEventListener('click', downloadCsv);
  toggle.addEventListener('click', setToggle);
  createButton.addEventListener('click', openCreate);
  document.getElementById('guest-log-button').addEventListener('click', openLog);
  form.addEventListener('submit', submitCreate);
  document.getElementById('delete-link-confirm').addEventListener('click', confirmDelete);

  durationInput.addEventListener('input', updateExpiryPreview);

  [manageDialog, createDialog, deleteDialog, logDialog, qrDialog].forEach(function (dialog) {
    dialog.querySelectorAll('[data-close]').forEach(function (button) {
      button.addEventListener('click', function () {
        dialog.close();
      });
    });
  });
  createDialog.addEventListener('close', function () {
    if (manageDialog.open) focusAfterForm(linkToEdit);
  });
  qrDialog.addEventListener('close', function () {
    if (document.fullscreenElement) document.exitFullscreen();
    qrImage.removeAttribute('src');
  });
  manageDialog.addEventListener('close', function () {
    if (menuButton) menuButton.focus();
  });
})();
