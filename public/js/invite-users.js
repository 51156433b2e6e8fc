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
  var t = window.Guestlink.t;
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
  var olderText = document.getElementById('invite-older');
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
    { value: 'viewer', label: t('invitations:js.role.viewer') },
    { value: 'speaker', label: t('invitations:js.role.speaker') },
    { value: 'moderator', label: t('invitations:js.role.moderator') },
  ];
  var STATUS_LABELS = {
    'not-opened': t('invitations:js.status.notOpened'),
    joined: t('invitations:js.status.joined'),
    revoked: t('invitations:js.status.revoked'),
    expired: t('invitations:js.status.expired'),
  };
  // Where a node (a <time>) goes in a sentence: the message is formatted whole, then split there.
  var SLOT = '\u0000';
  // The server's field names (400 VALIDATION_FAILED's `field`) and where each is shown.
  var FIELDS = {
    people: { input: 'invite-people', error: 'invite-people-error' },
    role: { input: 'invite-role-viewer', error: 'invite-role-error' },
    expiresAt: { input: 'invite-expires', error: 'invite-expires-error' },
    startsAt: { input: 'invite-starts', error: 'invite-starts-error' },
    locale: { input: 'invite-locale', error: 'invite-locale-error' },
  };

  function button(action, text, label, onClick, className) {
    var node = el('button', className || 'button button-small', text);
    node.type = 'button';
    node.dataset.action = action;
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
        return t('invitations:js.email.sent');
      case 'failed':
        return invitation.emailError
          ? t('invitations:js.email.failed', { reason: invitation.emailError })
          : t('invitations:js.email.failedUnknown');
      case 'not-configured':
        return t('invitations:js.email.notConfigured');
      default:
        return t('invitations:js.email.notSent');
    }
  }

  function localTime(iso) {
    var time = el(
      'time',
      null,
      window.Guestlink.formatDate(new Date(iso), { dateStyle: 'medium', timeStyle: 'short' }),
    );
    time.setAttribute('datetime', iso);
    return time;
  }

  // A sentence with a time in it ("Until {time}"), the time a <time> element.
  function sentenceWithTime(parent, key, iso) {
    var parts = t(key, { time: SLOT }).split(SLOT);
    parent.appendChild(document.createTextNode(parts[0]));
    parent.appendChild(localTime(iso));
    if (parts[1]) parent.appendChild(document.createTextNode(parts[1]));
    return parent;
  }

  function labelled(cell, label) {
    cell.dataset.label = label;
    return cell;
  }

  function roleCell(invitation) {
    var cell = labelled(el('td', 'invite-role-cell'), t('invitations:js.column.role'));
    if (invitation.status === 'revoked' || invitation.status === 'expired') {
      cell.textContent = invitation.roleLabel || roleLabel(invitation.role);
      return cell;
    }
    var select = el('select', 'invite-role-select');
    select.setAttribute('aria-label', t('invitations:js.roleOf', { name: invitation.name }));
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
      url = window.Guestlink.linkUrlField(
        invitation.url,
        t('invitations:js.linkFor', { name: invitation.name }),
      );
      person.appendChild(url);
      person.appendChild(el('span', 'copy-feedback'));
    }
    tr.appendChild(person);
    tr.appendChild(roleCell(invitation));
    var status = labelled(el('td'), t('invitations:js.column.status'));
    status.appendChild(
      el(
        'span',
        'status-badge status-' + invitation.status,
        STATUS_LABELS[invitation.status] || invitation.status,
      ),
    );
    if (invitation.expiresAt && invitation.status !== 'revoked') {
      status.appendChild(
        sentenceWithTime(
          el('span', 'muted invite-expiry'),
          invitation.status === 'expired' ? 'invitations:js.status.expiredAt' : 'invitations:js.status.until',
          invitation.expiresAt,
        ),
      );
    }
    tr.appendChild(status);
    var joined = labelled(el('td'), t('invitations:js.column.lastJoined'));
    if (invitation.lastJoinedAt) joined.appendChild(localTime(invitation.lastJoinedAt));
    else joined.textContent = t('invitations:js.never');
    tr.appendChild(joined);
    tr.appendChild(
      labelled(
        el('td', 'invite-email-status email-' + invitation.emailStatus, emailText(invitation)),
        t('invitations:js.column.email'),
      ),
    );
    var cell = el('td', 'invite-actions-cell');
    var actions = cell.appendChild(el('div', 'invite-actions'));
    if (url) {
      actions.appendChild(
        button(
          'copy',
          t('invitations:js.copyLink'),
          t('invitations:js.copyLinkFor', { name: invitation.name }),
          function (event) {
            copyLink(invitation, event.currentTarget, url);
          },
        ),
      );
    }
    var usable = invitation.status !== 'revoked' && invitation.status !== 'expired';
    if (usable && state.emailConfigured) {
      actions.appendChild(
        button(
          'resend',
          t('invitations:js.resend'),
          t('invitations:js.resendTo', { name: invitation.name }),
          function (event) {
            resend(invitation, event.currentTarget);
          },
        ),
      );
    }
    if (invitation.status !== 'revoked') {
      actions.appendChild(
        button(
          'revoke',
          t('invitations:js.revoke'),
          t('invitations:js.revokeOf', { name: invitation.name }),
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
    submit.textContent = state.emailConfigured
      ? t('invitations:js.submit.send')
      : t('invitations:js.submit.create');
    submit.disabled = false;
    waitToggle.disabled = false;
    waitToggle.setAttribute('aria-checked', state.inviteesWait ? 'true' : 'false');
    countText.textContent =
      state.invitations.length === 0
        ? t('invitations:js.count.none', { max: state.maxActive })
        : t('invitations:js.count.some', { active: state.active, max: state.maxActive });
    // The list is bounded: say so when the room has more than it holds.
    var hidden = state.total > state.invitations.length;
    olderText.hidden = !hidden;
    olderText.textContent = hidden
      ? t('invitations:js.count.older', { shown: state.invitations.length, total: state.total })
      : '';
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
    countText.textContent = t('invitations:js.loading');
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
    return request('POST', '/invitations/' + encodeURIComponent(invitation.id) + '/send', {
      timeZone: timeZone(),
    });
  }

  function resend(invitation, resendButton) {
    resendButton.disabled = true;
    showError(windowError, '');
    send(invitation)
      .then(
        function (updated) {
          announce(
            updated.emailStatus === 'sent'
              ? t('invitations:js.sentAgain', { name: updated.name })
              : t('invitations:js.notSentTo', { name: updated.name, reason: updated.emailError || '' }),
          );
        },
        function (failure) {
          showError(windowError, messageOf(failure));
        },
      )
      .then(load)
      .then(function () {
        focusRow(invitation, 'button[data-action="resend"]');
      });
  }

  function changeRole(invitation, select) {
    var role = select.value;
    select.disabled = true;
    showError(windowError, '');
    request('PATCH', '/invitations/' + encodeURIComponent(invitation.id), { role: role })
      .then(
        function (updated) {
          announce(
            t('invitations:js.roleChanged', {
              name: updated.name,
              role: updated.roleLabel || roleLabel(updated.role),
            }),
          );
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
          announce(t('invitations:js.revoked', { name: invitation.name }));
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
        announce(json.inviteesWait ? t('invitations:js.wait.on') : t('invitations:js.wait.off'));
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

  // The viewer's own zone, for the times in the email; the server checks it and else says UTC.
  function timeZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
    } catch {
      return undefined;
    }
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
      invitation.emailStatus === 'not-configured' ? t('invitations:js.linkCreated') : emailText(invitation),
    );
    item.appendChild(outcome);
    if (failed && state.emailConfigured) {
      item.appendChild(
        button(
          'retry',
          t('invitations:js.retry'),
          t('invitations:js.retryTo', { name: invitation.name }),
          function (event) {
            retry(invitation, event.currentTarget, item);
          },
        ),
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
        announce(
          updated.emailStatus === 'sent'
            ? t('invitations:js.sentTo', { name: updated.name })
            : emailText(updated),
        );
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
    if (!state.emailConfigured) heading = t('invitations:js.results.created', { count: created.length });
    else if (answer.sent === 0) heading = t('invitations:js.results.noneSent');
    else if (answer.failed === 0) heading = t('invitations:js.results.allSent', { count: answer.sent });
    else
      heading = t('invitations:js.results.someSent', {
        sent: answer.sent,
        total: created.length,
        failed: answer.failed,
      });
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
      fieldError('people', t('invitations:js.enterPeople'));
      return;
    }
    var body = {
      people: peopleInput.value,
      role: selectedRole(),
      expiresAt: instant('invite-expires'),
      startsAt: instant('invite-starts'),
      locale: document.getElementById('invite-locale').value,
      timeZone: timeZone(),
      send: Boolean(state && state.emailConfigured),
    };
    // Read-only while sending: the list is cleared once it is sent, so nothing typed meanwhile is lost.
    peopleInput.readOnly = true;
    submit.disabled = true;
    submit.textContent =
      state && state.emailConfigured
        ? t('invitations:js.submit.sending')
        : t('invitations:js.submit.creating');
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
        peopleInput.readOnly = false;
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
      if (!focusRow(toRevoke, 'button[data-action="revoke"]')) peopleInput.focus();
    }
  });
  dialog.addEventListener('close', function () {
    if (menuButton) menuButton.focus();
  });
})();
