// The participant list: everyone in the room with their role (guests labelled Guest, invited
// people their role and Invited), who presents, who raised a hand, and for hosts and
// moderators the actions on each person.
(function () {
  'use strict';
  var live = ((window.Guestlink = window.Guestlink || {}).live = window.Guestlink.live || {});
  // Each viewer's page names the roles in its own language: the room sends role codes only.
  var ROLE_LABELS = {
    host: 'live:js.role.host',
    moderator: 'live:js.role.moderator',
    speaker: 'live:js.role.speaker',
    viewer: 'live:js.role.viewer',
    guest: 'live:js.role.guest',
  };

  function t(key, values) {
    return window.Guestlink.t(key, values);
  }
  var RANK = { host: 0, moderator: 1, speaker: 2, viewer: 3, guest: 3 };
  // A moderator's actions: the button, its label for screen readers, and what is announced once done.
  var ACTION_WORDS = {
    'lower-hand': [
      'live:js.action.lowerHand',
      'live:js.action.lowerHandNamed',
      'live:js.action.lowerHandDone',
    ],
    speak: ['live:js.action.speak', 'live:js.action.speakNamed', 'live:js.action.speakDone'],
    unspeak: ['live:js.action.unspeak', 'live:js.action.unspeakNamed', 'live:js.action.unspeakDone'],
    mute: ['live:js.action.mute', 'live:js.action.muteNamed', 'live:js.action.muteDone'],
    lobby: ['live:js.action.lobby', 'live:js.action.lobbyNamed', 'live:js.action.lobbyDone'],
    remove: ['live:js.action.remove', 'live:js.action.removeNamed'],
  };

  function icon(name) {
    var svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('class', 'icon');
    svg.setAttribute('aria-hidden', 'true');
    var use = document.createElementNS('http://www.w3.org/2000/svg', 'use');
    use.setAttribute('href', '#icon-' + name);
    svg.appendChild(use);
    return svg;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  live.participants = function (options) {
    var panel = document.getElementById('participants-panel');
    var list = document.getElementById('participant-list');
    var toggle = document.getElementById('toggle-participants');
    var count = document.getElementById('participant-count');
    var hands = document.getElementById('hand-count');
    var others = document.getElementById('participants-others');
    var error = document.getElementById('participants-error');
    var removeDialog = document.getElementById('remove-dialog');
    var removeText = document.getElementById('remove-text');
    var removeConfirm = document.getElementById('remove-confirm');
    var everyone = {};
    var open = {};
    var pendingRemoval = null;

    var removedBox = document.getElementById('removed-users');
    var removedList = document.getElementById('removed-list');

    /** Launched users a moderator removed, each with "Let back in" (moderators only). */
    function loadRemoved() {
      if (!options.canModerate()) return;
      options.removed().then(
        function (result) {
          removedList.textContent = '';
          result.removed.forEach(function (entry) {
            var item = el('li', 'participant');
            item.appendChild(el('strong', null, entry.name));
            var back = el('button', 'button button-small', t('live:js.letBackIn'));
            back.type = 'button';
            back.setAttribute('aria-label', t('live:js.letBackInNamed', { name: entry.name }));
            back.addEventListener('click', function () {
              options.allowBack(entry.identity).then(
                function () {
                  options.announce(t('live:js.letBackInDone', { name: entry.name }));
                  loadRemoved();
                },
                function (failure) {
                  showError(live.messageOf(failure));
                },
              );
            });
            item.appendChild(back);
            removedList.appendChild(item);
          });
          removedBox.hidden = result.removed.length === 0;
        },
        function (failure) {
          showError(live.messageOf(failure));
        },
      );
    }

    toggle.addEventListener('click', function () {
      panel.hidden = !panel.hidden;
      toggle.setAttribute('aria-expanded', panel.hidden ? 'false' : 'true');
      if (!panel.hidden) {
        loadRemoved();
        panel.scrollIntoView({ block: 'nearest' });
      }
    });

    function showError(message) {
      error.textContent = message || '';
      error.hidden = !message;
    }

    function presenter(view) {
      return view.role === 'host' || view.role === 'moderator' || view.role === 'speaker';
    }

    function act(view, action, done) {
      showError('');
      options.act(view.id, action).then(
        function () {
          if (done) options.announce(done);
        },
        function (failure) {
          showError(live.messageOf(failure));
        },
      );
    }

    removeDialog.querySelectorAll('[data-close]').forEach(function (button) {
      button.addEventListener('click', function () {
        removeDialog.close();
      });
    });
    removeConfirm.addEventListener('click', function () {
      var view = pendingRemoval;
      removeDialog.close();
      if (view)
        options.act(view.id, 'remove').then(
          function () {
            options.announce(t('live:js.removeDone', { name: view.name }));
            loadRemoved();
          },
          function (failure) {
            showError(live.messageOf(failure));
          },
        );
    });

    function confirmRemoval(view) {
      pendingRemoval = view;
      removeText.textContent = view.invited
        ? t('live:js.remove.invited', { name: view.name })
        : view.guest
          ? t('live:js.remove.guest', { name: view.name })
          : t('live:js.remove.user', { name: view.name });
      removeDialog.showModal();
    }

    function actionButtons(view) {
      var actions = [];
      var isSelf = view.id === options.selfId();
      if (isSelf || !options.canModerate()) return actions;
      var self = everyone[options.selfId()];
      var outranked = view.role === 'host' || (view.role === 'moderator' && (!self || self.role !== 'host'));
      if (view.handRaised) actions.push('lower-hand');
      if (view.role === 'viewer' || view.role === 'guest') actions.push('speak');
      // An invited speaker presents by role (Change role in Invite users), not by an invitation to speak.
      if (view.role === 'speaker' && (!view.invited || view.speaking)) actions.push('unspeak');
      if (presenter(view) && view.media.audio && !outranked) actions.push('mute');
      if (view.guest || view.invited) actions.push('lobby');
      if (!outranked) actions.push('remove');
      return actions.map(function (action) {
        var words = ACTION_WORDS[action];
        var button = el(
          'button',
          'button button-small' + (action === 'remove' ? ' button-danger' : ''),
          t(words[0]),
        );
        button.type = 'button';
        button.setAttribute('aria-label', t(words[1], { name: view.name }));
        button.addEventListener('click', function () {
          if (action === 'remove') confirmRemoval(view);
          else act(view, action, t(words[2], { name: view.name }));
        });
        return button;
      });
    }

    function indicators(view) {
      var box = el('span', 'participant-state');
      if (view.handRaised) {
        var hand = el('span', 'state-hand', ' ' + t('live:js.state.handRaised'));
        hand.insertBefore(icon('hand'), hand.firstChild);
        box.appendChild(hand);
      }
      if (presenter(view)) {
        box.appendChild(
          el(
            'span',
            view.media.audio ? 'state-on' : 'state-off',
            view.media.audio ? t('live:js.state.micOn') : t('live:js.state.micOff'),
          ),
        );
        if (view.media.video) box.appendChild(el('span', 'state-on', t('live:js.state.cameraOn')));
        if (view.media.screen) box.appendChild(el('span', 'state-on', t('live:js.state.sharingScreen')));
      }
      return box;
    }

    function row(view) {
      var item = el('li', 'participant');
      item.dataset.participant = view.id;
      var who = el('div', 'participant-who');
      who.appendChild(
        el('strong', null, view.id === options.selfId() ? t('live:js.you', { name: view.name }) : view.name),
      );
      who.appendChild(el('span', 'role-badge', t(view.guest ? ROLE_LABELS.guest : ROLE_LABELS[view.role])));
      if (view.guest && view.role === 'speaker')
        who.appendChild(el('span', 'role-badge', t(ROLE_LABELS.speaker)));
      // Invited people (Invite users) show their role, with "Invited" beside it.
      if (view.invited)
        who.appendChild(el('span', 'role-badge role-badge-invited', t('live:js.role.invited')));
      who.appendChild(indicators(view));
      item.appendChild(who);
      var buttons = actionButtons(view);
      if (buttons.length) {
        var more = el('button', 'button button-small', t('live:js.actions'));
        more.type = 'button';
        more.setAttribute('aria-label', t('live:js.actionsFor', { name: view.name }));
        more.setAttribute('aria-expanded', open[view.id] ? 'true' : 'false');
        var group = el('div', 'participant-actions');
        group.setAttribute('role', 'group');
        group.setAttribute('aria-label', t('live:js.actionsFor', { name: view.name }));
        group.hidden = !open[view.id];
        buttons.forEach(function (button) {
          group.appendChild(button);
        });
        more.addEventListener('click', function () {
          open[view.id] = !open[view.id];
          group.hidden = !open[view.id];
          more.setAttribute('aria-expanded', open[view.id] ? 'true' : 'false');
        });
        item.appendChild(more);
        item.appendChild(group);
      }
      return item;
    }

    function sorted() {
      return Object.keys(everyone)
        .map(function (id) {
          return everyone[id];
        })
        .filter(function (view) {
          return view.name;
        })
        .sort(function (a, b) {
          if (a.handRaised !== b.handRaised) return a.handRaised ? -1 : 1;
          if (RANK[a.role] !== RANK[b.role]) return RANK[a.role] - RANK[b.role];
          return a.name.localeCompare(b.name);
        });
    }

    function render() {
      var focused = document.activeElement && document.activeElement.closest('[data-participant]');
      var focusKey = focused
        ? [focused.dataset.participant, document.activeElement.getAttribute('aria-label')]
        : null;
      var ids = Object.keys(everyone);
      var named = sorted();
      list.textContent = '';
      named.forEach(function (view) {
        list.appendChild(row(view));
      });
      var unnamed = ids.length - named.length;
      others.hidden = unnamed === 0;
      others.textContent = t('live:js.others', { count: unnamed });
      count.textContent = window.Guestlink.formatNumber(ids.length);
      toggle.setAttribute('aria-label', t('live:js.participantCount', { count: ids.length }));
      var raised = named.filter(function (view) {
        return view.handRaised;
      }).length;
      hands.hidden = raised === 0 || !options.canModerate();
      hands.textContent = window.Guestlink.formatNumber(raised);
      hands.insertBefore(icon('hand'), hands.firstChild);
      hands.setAttribute('aria-label', t('live:js.handsRaised', { count: raised }));
      if (focusKey) {
        // Names are people's own and may hold quotes: no selector is built from them.
        var focusedRow = list.querySelector('[data-participant="' + CSS.escape(focusKey[0]) + '"]');
        var again =
          focusedRow &&
          Array.prototype.find.call(focusedRow.querySelectorAll('button'), function (button) {
            return button.getAttribute('aria-label') === focusKey[1];
          });
        if (again) again.focus();
      }
    }

    return {
      reset: function (views) {
        everyone = {};
        views.forEach(function (view) {
          everyone[view.id] = view;
        });
        render();
      },
      /** Takes a participant's newer state; answers false for an older one that arrived late. */
      upsert: function (view) {
        var before = everyone[view.id];
        if (before && view.version < before.version) return false;
        everyone[view.id] = view;
        if (
          options.canModerate() &&
          view.handRaised &&
          (!before || !before.handRaised) &&
          view.id !== options.selfId()
        )
          options.announce(t('live:js.raisedHand', { name: view.name }));
        render();
        return true;
      },
      remove: function (id) {
        delete everyone[id];
        delete open[id];
        render();
      },
      get: function (id) {
        return everyone[id];
      },
      all: function () {
        return everyone;
      },
    };
  };
})();
