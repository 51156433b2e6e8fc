// The Invite users window on the media page (docs/product.md §13): add people with a role,
// see what was sent, and manage the room's invitations (copy, resend, change role, revoke),
// plus the room's "Invited people wait in the lobby" switch. Talks to the JSON API with the
// launch's ltik; the server checks every rule again.
(function () {
  'use strict';

  var main = document.querySelector('main[data-room-id]');
  var dialog = document.getElementById('invite-users-dialog');
  if (!main || !dialog) return;

  var client = window.Guestlink.roomApi();
  var request = client.request;
  var messageOf = client.messageOf;
  var announce = client.announce;
  var locale = main.dataset.locale || undefined;
  var el = window.Guestlink.el;
  var showError = window.Guestlink.showError;

  var form = document.getElementById('invite-form');
  var peopleInput = document.getElementById('invite-people');
  var submit = document.getElementById('invite-submit');
  var formError = document.getElementById('invite-form-error');
  var results = document.getElementById('invite-results');
  var resultsHeading = document.getElementById('invite-results-heading');
  var resultsList = document.getElementById('invite-results-list');
  var emailNotice = document.getElementById('invite-email-notice');
  var countText = document.getElementById('invite-count');
  var tableWrap = document.getElementById('invite-table-wrap');
  var tableBody = document.getElementById('invite-body');
  var waitToggle = document.getElementById('invitees-wait-toggle');
  var windowError = document.getElementById('invite-users-error');
  var revokeDialog = document.getElementById('revoke-invitation-dialog');
  var revokeError = document.getElementById('revoke-invitation-error');
  var menuButton = document.getElementById('room-menu-button');

  var state = null;
  var toRevoke = null;

  var ROLES = [
    { value: 'viewer', label: 'Viewer' },
    { value: 'speaker', label: 'Speaker' },
    { value: 'moderator', label: 'Moderator' },
  ];
  var STATUS_LABELS = {
    'not-opened': 'Not opened',
    joined: 'Joined',
    revoked: 'Revoked',
    expired: 'Expired',
  };
  // The server's field names (400 VALIDATION_FAILED's `field`) and where each is shown.
  var FIELDS = {
    people: { input: 'invite-people', error: 'invite-people-error' },
    role: { input: 'invite-role-viewer', error: 'invite-role-error' },
    expiresAt: { input: 'invite-expires', error: 'invite-expires-error' },
    startsAt: { input: 'invite-starts', error: 'invite-starts-error' },
  };

  function button(text, label, onClick, className) {
    var node = el('button', className || 'button button-small', text);
    node.type = 'button';
    if (label) node.setAttribute('aria-label', label);
    node.addEventListener('click', onClick);
    return node;
  }

  function roleLabel(role) {
    for (var i = 0; i < ROLES.length; i += 1) if (ROLES[i].value === role) return ROLES[i].label;
    return role;
  }

  // Nothing that failed may look sent: only 'sent' says Sent.
  function emailText(invitation) {
    switch (invitation.emailStatus) {
      case 'sent':
        return 'Sent';
      case 'failed':
        return 'Not sent: ' + (invitation.emailError || 'the mail server did not accept it.');
      case 'not-configured':
        return 'Not emailed: copy the link';
      default:
        return 'Not sent';
    }
  }

  function localTime(iso) {
    var time = el(
      'time',
      null,
      new Date(iso).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' }),
    );
    time.setAttribute('datetime', iso);
    return time;
  }

  function labelled(cell, label) {
    cell.dataset.label = label;
    return cell;
  }

  function roleCell(invitation) {
    var cell = labelled(el('td', 'invite-role-cell'), 'Role');
    if (invitation.status === 'revoked' || invitation.status === 'expired') {
      cell.textContent = invitation.roleLabel || roleLabel(invitation.role);
      return cell;
    }
    var select = el('select', 'invite-role-select');
    select.setAttribute('aria-label', 'Role of ' + invitation.name);
    ROLES.forEach(function (role) {
      var option = el('option', null, role.label);
      option.value = role.value;
      option.selected = role.value === invitation.role;
      select.appendChild(option);
    });
    select.addEventListener('change', function () {
      changeRole(invitation, select);
    });
    cell.appendChild(select);
    return cell;
  }

  function row(invitation) {
    var tr = el('tr');
    tr.dataset.invitationId = invitation.id;
    var person = el('td', 'invite-person-cell');
    person.appendChild(el('span', 'link-name', invitation.name));
    person.appendChild(el('span', 'invite-email', invitation.email));
    var url = null;
    if (invitation.url) {
      url = window.Guestlink.linkUrlField(invitation.url, 'Link for ' + invitation.name);
      person.appendChild(url);
      person.appendChild(el('span', 'copy-feedback'));
    }
    tr.appendChild(person);
    tr.appendChild(roleCell(invitation));
    var status = labelled(el('td'), 'Status');
    status.appendChild(
      el(
        'span',
        'status-badge status-' + invitation.status,
        STATUS_LABELS[invitation.status] || invitation.status,
      ),
    );
    if (invitation.expiresAt && invitation.status !== 'revoked') {
      var until = el('span', 'muted invite-expiry', invitation.status === 'expired' ? 'Expired ' : 'Until ');
      until.appendChild(localTime(invitation.expiresAt));
      status.appendChild(until);
    }
    tr.appendChild(status);
    var joined = labelled(el('td'), 'Last joined');
    if (invitation.lastJoinedAt) joined.appendChild(localTime(invitation.lastJoinedAt));
    else joined.textContent = 'Never';
    tr.appendChild(joined);
    tr.appendChild(
      labelled(
        el('td', 'invite-email-status email-' + invitation.emailStatus, emailText(invitation)),
        'Email',
      ),
    );
    var cell = el('td', 'invite-actions-cell');
    var actions = cell.appendChild(el('div', 'invite-actions'));
    if (url) {
      actions.appendChild(
        button('Copy link', 'Copy link for ' + invitation.name, function (event) {
          copyLink(invitation, event.currentTarget, url);
        }),
      );
    }
    var usable = invitation.status !== 'revoked' && invitation.status !== 'expired';
    if (usable && state.emailConfigured) {
      actions.appendChild(
        button('Resend', 'Resend invitation to ' + invitation.name, function (event) {
          resend(invitation, event.currentTarget);
        }),
      );
    }
    if (invitation.status !== 'revoked') {
      actions.appendChild(
        button(
          'Revoke',
          'Revoke invitation of ' + invitation.name,
          function () {
            askRevoke(invitation);
          },
          'button button-small button-danger-outline',
        ),
      );
    }
    tr.appendChild(cell);
    return tr;
  }

  function render() {
    emailNotice.hidden = state.emailConfigured;
    submit.textContent = state.emailConfigured ? 'Send invitations' : 'Create links';
    submit.disabled = false;
    waitToggle.disabled = false;
    waitToggle.setAttribute('aria-checked', state.inviteesWait ? 'true' : 'false');
    countText.textContent =
      state.invitations.length === 0
        ? 'No invitations yet · at most ' + state.maxActive.toLocaleString('en-US') + ' active'
        : state.active.toLocaleString('en-US') +
          ' active · at most ' +
          state.maxActive.toLocaleString('en-US');
    tableWrap.hidden = state.invitations.length === 0;
    tableBody.textContent = '';
    state.invitations.forEach(function (invitation) {
      tableBody.appendChild(row(invitation));
    });
  }

  function load() {
    showError(windowError, '');
    return request('GET', '/invitations').then(
      function (json) {
        state = json;
        render();
      },
      function (failure) {
        countText.textContent = '';
        showError(windowError, messageOf(failure));
      },
    );
  }

  function open() {
    countText.textContent = 'Loading…';
    results.hidden = true;
    dialog.showModal();
    load().then(function () {
      peopleInput.focus();
    });
  }

  // The URL's row, found again after a redraw: the list is drawn anew after every change.
  function rowOf(invitation) {
    return tableBody.querySelector('tr[data-invitation-id="' + invitation.id + '"]');
  }

  function focusRow(invitation, selector) {
    var tr = rowOf(invitation);
    var target = tr && tr.querySelector(selector);
    if (target) target.focus();
    return Boolean(target);
  }

  function copyLink(invitation, copyButton, field) {
    window.Guestlink.copyLink({
      url: invitation.url,
      button: copyButton,
      field: field,
      container: dialog,
      errorBox: windowError,
      announce: announce,
    });
  }

  function send(invitation) {
    return request('POST', '/invitations/' + encodeURIComponent(invitation.id) + '/send');
  }

  function resend(invitation, resendButton) {
    resendButton.disabled = true;
    showError(windowError, '');
    send(invitation)
      .then(
        function (updated) {
          announce(
            updated.emailStatus === 'sent'
              ? 'Invitation sent again to ' + updated.name
              : 'Not sent to ' + updated.name + ': ' + (updated.emailError || ''),
          );
        },
        function (failure) {
          showError(windowError, messageOf(failure));
        },
      )
      .then(load)
      .then(function () {
        focusRow(invitation, 'button[aria-label^="Resend"]');
      });
  }

  function changeRole(invitation, select) {
    var role = select.value;
    select.disabled = true;
    showError(windowError, '');
    request('PATCH', '/invitations/' + encodeURIComponent(invitation.id), { role: role })
      .then(
        function (updated) {
          announce(updated.name + ' is now a ' + (updated.roleLabel || roleLabel(updated.role)));
        },
        function (failure) {
          select.value = invitation.role;
          showError(windowError, messageOf(failure));
        },
      )
      .then(load)
      .then(function () {
        focusRow(invitation, 'select');
      });
  }

  function askRevoke(invitation) {
    toRevoke = invitation;
    document.getElementById('revoke-invitation-name').textContent = invitation.name;
    showError(revokeError, '');
    revokeDialog.showModal();
    document.getElementById('revoke-invitation-cancel').focus();
  }

  function confirmRevoke() {
    var invitation = toRevoke;
    var confirmButton = document.getElementById('revoke-invitation-confirm');
    confirmButton.disabled = true;
    request('DELETE', '/invitations/' + encodeURIComponent(invitation.id))
      .then(
        function () {
          revokeDialog.close();
          announce('Invitation of ' + invitation.name + ' revoked');
          return load();
        },
        function (failure) {
          showError(revokeError, messageOf(failure));
        },
      )
      .then(function () {
        confirmButton.disabled = false;
        if (!revokeDialog.open && !focusRow(invitation, 'button')) peopleInput.focus();
      });
  }

  function setWait() {
    var wait = waitToggle.getAttribute('aria-checked') !== 'true';
    waitToggle.disabled = true;
    request('PUT', '/invitations/settings', { inviteesWait: wait }).then(
      function (json) {
        state.inviteesWait = json.inviteesWait;
        render();
        waitToggle.focus();
        announce(
          json.inviteesWait
            ? 'Invited people now wait in the lobby'
            : 'Invited people now go straight into the room',
        );
      },
      function (failure) {
        waitToggle.disabled = false;
        showError(windowError, messageOf(failure));
      },
    );
  }

  function clearFieldErrors() {
    Object.keys(FIELDS).forEach(function (field) {
      document.getElementById(FIELDS[field].input).removeAttribute('aria-invalid');
      showError(document.getElementById(FIELDS[field].error), '');
    });
    showError(formError, '');
  }

  // At the field the server named, announced with it (aria-describedby) and focused.
  function fieldError(field, message) {
    var target = FIELDS[field];
    if (!target) {
      showError(formError, message);
      submit.focus();
      return;
    }
    var input = document.getElementById(target.input);
    input.setAttribute('aria-invalid', 'true');
    showError(document.getElementById(target.error), message);
    input.focus();
  }

  // datetime-local is the viewer's own wall clock; the API wants an instant.
  function instant(id) {
    var value = document.getElementById(id).value;
    if (!value) return null;
    var date = new Date(value);
    return isNaN(date.getTime()) ? value : date.toISOString();
  }

  function selectedRole() {
    var checked = form.querySelector('input[name="role"]:checked');
    return checked ? checked.value : '';
  }

  function resultItem(invitation) {
    var item = el('li', 'invite-result');
    item.dataset.invitationId = invitation.id;
    var who = el('span', 'invite-result-person');
    who.appendChild(el('strong', null, invitation.name));
    who.appendChild(document.createTextNode(' ' + invitation.email));
    item.appendChild(who);
    var failed = invitation.emailStatus === 'failed' || invitation.emailStatus === 'not-sent';
    var outcome = el(
      'span',
      'invite-result-outcome ' + (failed ? 'is-failed' : 'is-sent'),
      invitation.emailStatus === 'not-configured' ? 'Link created' : emailText(invitation),
    );
    item.appendChild(outcome);
    if (failed && state.emailConfigured) {
      item.appendChild(
        button('Retry', 'Retry sending to ' + invitation.name, function (event) {
          retry(invitation, event.currentTarget, item);
        }),
      );
    }
    return item;
  }

  function retry(invitation, retryButton, item) {
    retryButton.disabled = true;
    send(invitation).then(
      function (updated) {
        var replacement = resultItem(updated);
        item.parentNode.replaceChild(replacement, item);
        announce(updated.emailStatus === 'sent' ? 'Sent to ' + updated.name : emailText(updated));
        var again = replacement.querySelector('button');
        (again || resultsHeading).focus();
        load();
      },
      function (failure) {
        retryButton.disabled = false;
        showError(formError, messageOf(failure));
      },
    );
  }

  function showResults(answer) {
    var created = answer.invitations;
    var heading;
    if (!state.emailConfigured)
      heading =
        (created.length === 1 ? '1 link created' : created.length + ' links created') +
        ': copy each link below and send it yourself.';
    else if (answer.sent === 0) heading = 'Not sent: see why below, then Retry.';
    else if (answer.failed === 0)
      heading = 'Sent to ' + (answer.sent === 1 ? '1 person' : answer.sent + ' people') + '.';
    else
      heading =
        'Sent to ' +
        answer.sent +
        ' of ' +
        created.length +
        '. Not sent to ' +
        answer.failed +
        ': see why below, then Retry.';
    resultsHeading.textContent = heading;
    resultsList.textContent = '';
    created.forEach(function (invitation) {
      resultsList.appendChild(resultItem(invitation));
    });
    results.hidden = false;
    resultsHeading.focus();
    announce(heading);
  }

  function submitInvite(event) {
    event.preventDefault();
    clearFieldErrors();
    if (!peopleInput.value.trim()) {
      fieldError('people', 'Enter at least one name and email address.');
      return;
    }
    var body = {
      people: peopleInput.value,
      role: selectedRole(),
      expiresAt: instant('invite-expires'),
      startsAt: instant('invite-starts'),
      send: Boolean(state && state.emailConfigured),
    };
    submit.disabled = true;
    submit.textContent = state && state.emailConfigured ? 'Sending…' : 'Creating…';
    request('POST', '/invitations', body)
      .then(
        function (answer) {
          form.reset();
          return load().then(function () {
            showResults(answer);
          });
        },
        function (failure) {
          if (state) render();
          fieldError(failure.error && failure.error.field, messageOf(failure));
        },
      )
      .then(function () {
        submit.disabled = false;
      });
  }

  document.addEventListener('menu-select', function (event) {
    if (event.detail && event.detail.action === 'invite-users') open();
  });
  form.addEventListener('submit', submitInvite);
  waitToggle.addEventListener('click', setWait);
  document.getElementById('revoke-invitation-confirm').addEventListener('click', confirmRevoke);
  [dialog, revokeDialog].forEach(function (each) {
    each.querySelectorAll('[data-close]').forEach(function (closer) {
      closer.addEventListener('click', function () {
        each.close();
      });
    });
  });
  // Cancel or Esc: back to the row's buttons.
  revokeDialog.addEventListener('close', function () {
    if (dialog.open && toRevoke && !dialog.contains(document.activeElement)) {
      if (!focusRow(toRevoke, 'button[aria-label^="Revoke"]')) peopleInput.focus();
    }
  });
  dialog.addEventListener('close', function () {
    if (menuButton) menuButton.focus();
  });
})();
