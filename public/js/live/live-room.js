// Puts the live session together on the media page and the guest room: the connection,
// the links, the presenter's own media, the stage and the participant list.
(function () {
  'use strict';
  var live = window.Guestlink && window.Guestlink.live;
  var element = document.querySelector('[data-live-stage]');
  if (!live || !element) return;

  var status = document.getElementById('live-status');
  var notice = document.getElementById('stage-notice');
  var noticeText = document.getElementById('stage-notice-text');
  var newWindow = document.getElementById('stage-new-window');
  var rejoin = document.getElementById('stage-rejoin');
  var presenterControls = document.getElementById('presenter-controls');
  var handButton = document.getElementById('toggle-hand');
  var leaveButton = document.getElementById('leave-live');
  var buttons = {
    audio: document.getElementById('toggle-mic'),
    camera: document.getElementById('toggle-camera'),
    screen: document.getElementById('toggle-screen'),
  };
  // Each control's words when off and when on.
  var LABELS = {
    audio: ['live:js.control.microphone', 'live:js.control.microphoneOff'],
    camera: ['live:js.control.camera', 'live:js.control.cameraOff'],
    screen: ['live:js.control.shareScreen', 'live:js.control.stopSharing'],
  };

  function t(key, values) {
    return window.Guestlink.t(key, values);
  }

  var self = null;
  var config = null;
  var canModerate = false;
  var peers = null;
  var sending = { audio: false, camera: false, screen: false };
  var lastStatus = '';

  function announce(message) {
    if (message === lastStatus) status.textContent = '';
    lastStatus = message;
    window.setTimeout(function () {
      status.textContent = message;
    }, 50);
  }

  function isPresenter(view) {
    return Boolean(view) && (view.role === 'host' || view.role === 'moderator' || view.role === 'speaker');
  }

  function showNotice(text, options) {
    notice.hidden = !text;
    noticeText.textContent = text || '';
    newWindow.hidden = !(options && options.newWindow && element.dataset.newWindow);
    // A guest's is a link; a launched user's a button posting the ltik (its formaction is set).
    if (!newWindow.hidden && newWindow.tagName === 'A') newWindow.href = element.dataset.newWindow;
    rejoin.hidden = !(options && options.rejoin);
  }

  var stage = live.stage();
  var participants = live.participants({
    canModerate: function () {
      return canModerate;
    },
    selfId: function () {
      return self && self.id;
    },
    act: function (target, action) {
      return connection.post('/participants/' + encodeURIComponent(target) + '/' + action, {
        participant: self && self.id,
      });
    },
    removed: function () {
      return connection.get('/removed');
    },
    allowBack: function (identity) {
      return connection.post('/removed/allow', { identity: identity });
    },
    announce: announce,
  });

  var media = live.media({
    onTrack: function (kind, track) {
      if (peers) peers.setTrack(kind, track);
      stage.local(kind, track);
    },
    onEnded: function (kind) {
      sending[kind] = false;
      reportMedia();
    },
    onRefused: refused,
  });

  function refused(kind, problem) {
    showNotice(problem.message, { newWindow: problem.frame });
    announce(problem.message);
  }

  function reportMedia() {
    Object.keys(buttons).forEach(function (kind) {
      buttons[kind].setAttribute('aria-pressed', sending[kind] ? 'true' : 'false');
      buttons[kind].querySelector('span').textContent = t(LABELS[kind][sending[kind] ? 1 : 0]);
    });
    syncLinks();
    if (!self) return;
    connection
      .post('/media', {
        participant: self.id,
        audio: sending.audio,
        video: sending.camera,
        screen: sending.screen,
      })
      .catch(function (failure) {
        announce(live.messageOf(failure));
      });
  }

  /** A presenter sending anything keeps its links: to everyone (built-in) or to the media server. */
  function syncLinks() {
    if (!peers || !self) return;
    var active = isPresenter(self) && (sending.audio || sending.camera || sending.screen);
    if (!active) return peers.publishTo([]);
    if (config.topology === 'sfu') return peers.publishTo(['sfu']);
    peers.publishTo(
      Object.keys(participants.all()).filter(function (id) {
        return id !== self.id;
      }),
    );
  }

  /** The server (or the media server) would not take what this page sent. */
  function refusedByServer(code, message) {
    if (code === 'TOO_MANY_PRESENTERS' || code === 'RECEIVE_ONLY') {
      stopSending();
      reportMedia();
      showNotice(message);
    }
    announce(message);
  }

  function stopSending() {
    media.stopAll();
    sending = { audio: false, camera: false, screen: false };
  }

  function applyRole(before) {
    var presenter = isPresenter(self);
    presenterControls.hidden = !presenter;
    handButton.hidden = canModerate;
    handButton.setAttribute('aria-pressed', self.handRaised ? 'true' : 'false');
    handButton.querySelector('span').textContent = self.handRaised
      ? t('live:js.control.lowerHand')
      : t('live:js.control.raiseHand');
    if (!presenter && (sending.audio || sending.camera || sending.screen)) {
      stopSending();
      reportMedia();
    }
    if (before && !isPresenter(before) && presenter) announce(t('live:js.nowPresenting'));
    if (before && isPresenter(before) && !presenter) announce(t('live:js.noLongerPresenting'));
    syncLinks();
  }

  function toggle(kind) {
    if (sending[kind]) {
      media.stop(kind);
      sending[kind] = false;
      return reportMedia();
    }
    buttons[kind].disabled = true;
    media
      .start(kind)
      .then(
        function () {
          sending[kind] = true;
          showNotice('');
          reportMedia();
        },
        function (problem) {
          refused(kind, problem);
        },
      )
      .then(function () {
        buttons[kind].disabled = false;
      });
  }

  Object.keys(buttons).forEach(function (kind) {
    buttons[kind].addEventListener('click', function () {
      toggle(kind);
    });
  });
  document.getElementById('open-devices').addEventListener('click', media.openDevices);

  handButton.addEventListener('click', function () {
    if (!self) return;
    var raised = !self.handRaised;
    connection.post('/hand', { participant: self.id, raised: raised }).then(
      function () {
        announce(raised ? t('live:js.handRaisedSelf') : t('live:js.handLoweredSelf'));
      },
      function (failure) {
        announce(live.messageOf(failure));
      },
    );
  });

  function disconnect(text, options) {
    connection.close();
    if (peers) peers.closeAll();
    stopSending();
    stage.reset();
    stage.message(text);
    showNotice(text, options);
  }

  if (leaveButton)
    leaveButton.addEventListener('click', function () {
      disconnect(t('live:js.left'), { rejoin: true });
    });

  // "End the live session for everyone" in the three-dots menu (hosts and moderators).
  var endItem = document.querySelector('[data-menu-action="end-live"]');
  var endDialog = document.getElementById('end-dialog');
  if (endItem && endDialog) {
    endItem.addEventListener('click', function () {
      endDialog.showModal();
    });
    endDialog.querySelectorAll('[data-close]').forEach(function (button) {
      button.addEventListener('click', function () {
        endDialog.close();
      });
    });
    document.getElementById('end-confirm').addEventListener('click', function () {
      endDialog.close();
      connection.post('/end', {}).then(
        function (result) {
          announce(t('live:js.endedCount', { count: result.ended }));
        },
        function (failure) {
          announce(live.messageOf(failure));
        },
      );
    });
  }

  rejoin.addEventListener('click', function () {
    showNotice('');
    stage.message(t('live:js.connecting'));
    connection.reopen();
  });

  /**
   * Tells the page (the invitee's "not started yet" notice, public/js/session-start.js) whether
   * a host or moderator is on the stage. Presenters are always named, so everyone can tell.
   */
  function reportPresence() {
    var everyone = participants.all();
    var present = Object.keys(everyone).some(function (id) {
      return everyone[id].role === 'host' || everyone[id].role === 'moderator';
    });
    document.dispatchEvent(
      new CustomEvent('guestlink:live-presence', { detail: { moderatorPresent: present } }),
    );
  }

  var REVOKED_PAGE_AFTER_MS = 1200;
  var DEPARTURES = {
    removed: 'live:js.departed.removed',
    revoked: 'live:js.departed.revoked',
    replaced: 'live:js.departed.replaced',
    ended: 'live:js.departed.ended',
  };

  var connection = live.connection(element, {
    welcome: function (data) {
      if (peers) peers.closeAll();
      stage.reset();
      self = data.self;
      config = data.config;
      canModerate = data.canModerate;
      stage.setSelf(self.id);
      peers = live.peers({
        selfId: function () {
          return self.id;
        },
        topology: config.topology,
        iceServers: config.iceServers,
        send: function (signal) {
          return connection.post('/signal', { participant: self.id, signal: signal });
        },
        onTrack: stage.track,
        onInboundClosed: stage.drop,
        onInboundFailed: function () {
          // With the media server, its offer comes again on a new connection.
          if (config.topology === 'sfu') connection.reopen();
        },
        onError: function (failure) {
          if (failure && failure.error) refusedByServer(failure.error.code, live.messageOf(failure));
        },
        wantsLink: function (to) {
          return to === 'sfu' || Boolean(participants.get(to));
        },
      });
      participants.reset(data.participants);
      data.participants.forEach(stage.update);
      stage.connected();
      ['audio', 'camera', 'screen'].forEach(function (kind) {
        if (media.tracks[kind]) peers.setTrack(kind, media.tracks[kind]);
      });
      applyRole(null);
      if (sending.audio || sending.camera || sending.screen) reportMedia();
      announce(t('live:js.connected'));
      reportPresence();
    },
    participant: function (view) {
      var before = participants.get(view.id);
      if (!participants.upsert(view)) return;
      if (self && view.id === self.id) {
        var previous = self;
        self = view;
        return applyRole(previous);
      }
      stage.update(view);
      reportPresence();
      if (before && isPresenter(before) && !isPresenter(view) && peers) peers.closeInbound(view.id);
      syncLinks();
    },
    'participant-left': function (data) {
      participants.remove(data.id);
      if (peers) peers.closeInbound(data.id);
      stage.drop(data.id);
      syncLinks();
      reportPresence();
    },
    signal: function (signal) {
      // An offer from someone who no longer presents (it crossed their stopping) opens nothing.
      if (signal.type === 'offer' && !isPresenter(participants.get(signal.from))) return;
      if (peers) peers.receive(signal);
    },
    refused: function (data) {
      refusedByServer(data.code, data.message);
    },
    muted: function (data) {
      media.stop('audio');
      sending.audio = false;
      reportMedia();
      announce(data.by ? t('live:js.mutedBy', { name: data.by }) : t('live:js.mutedByModerator'));
    },
    departed: function (data) {
      if (data.reason === 'lobby' && element.dataset.waiting)
        return window.location.assign(element.dataset.waiting);
      if (data.reason === 'removed' && element.dataset.csrf)
        return window.location.assign(element.dataset.reload);
      // The sentence first, where the person is looking; then the page that explains it (and who
      // to ask), without the room's controls, the lobby or the participants left on screen.
      if (data.reason === 'revoked' && element.dataset.csrf) {
        disconnect(t(DEPARTURES.revoked), { rejoin: false });
        return window.setTimeout(function () {
          window.location.assign(element.dataset.reload);
        }, REVOKED_PAGE_AFTER_MS);
      }
      // An invitation's new role: the page loads again and connects with that role's rights.
      if (data.reason === 'role-changed') {
        disconnect(t('live:js.roleChanged'));
        return window.location.reload();
      }
      if (data.reason === 'lost') {
        if (peers) peers.closeAll();
        return window.setTimeout(connection.reopen, 1000);
      }
      var text = DEPARTURES[data.reason] ? t(DEPARTURES[data.reason]) : t('live:js.left');
      if (data.reason === 'ended' && data.by) text = t('live:js.endedBy', { name: data.by });
      disconnect(text, { rejoin: data.reason !== 'removed' && data.reason !== 'revoked' });
    },
    interrupted: function () {
      stage.message(t('live:js.reconnecting'));
    },
  });

  window.setInterval(function () {
    if (peers) peers.audioLevels().then(stage.speakerLevels, function () {});
  }, 700);
  window.addEventListener('pagehide', function () {
    connection.close();
  });

  // For the browser tests and for support: the page's links, to read their statistics.
  live.current = {
    peers: function () {
      return peers;
    },
    self: function () {
      return self;
    },
    engine: function () {
      return config && config.engine;
    },
  };
  connection.open();
})();
