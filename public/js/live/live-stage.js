// The stage: what the presenters send, laid out for people. A shared screen takes the
// stage; otherwise the active speaker's camera does, and every other presenter is a tile.
// Sound plays from one audio element per presenter, with a "Click to enable sound" button
// where the browser blocks playback until the page is clicked.
(function () {
  'use strict';
  var live = ((window.Guestlink = window.Guestlink || {}).live = window.Guestlink.live || {});
  var SPEAKER_HOLD_MS = 1500;

  live.stage = function () {
    var empty = document.getElementById('stage-empty');
    var statusText = document.getElementById('stage-status-text');
    var emptyText = document.getElementById('stage-empty-text');
    var main = document.getElementById('stage-main');
    var tiles = document.getElementById('stage-tiles');
    var audioBox = document.getElementById('live-audio');
    var unblock = document.getElementById('sound-unblock');

    var people = {};
    // This page's own camera and screen, shown like everyone else's (its sound is never played).
    var t = window.Guestlink.t;
    var self = {
      id: null,
      self: true,
      name: t('live:js.stage.you'),
      media: {},
      tracks: {},
      videos: {},
      audio: null,
    };
    var speaker = { id: null, since: 0 };
    var connected = false;

    function person(id) {
      if (!people[id]) people[id] = { id: id, name: '', media: {}, tracks: {}, videos: {}, audio: null };
      return people[id];
    }

    function videoFor(owner, kind, track, label) {
      var video = owner.videos[kind];
      if (!video) {
        video = document.createElement('video');
        video.autoplay = true;
        video.muted = true;
        video.playsInline = true;
        owner.videos[kind] = video;
      }
      if (!video.srcObject || video.srcObject.getVideoTracks()[0] !== track)
        video.srcObject = new MediaStream([track]);
      video.dataset.kind = kind;
      video.dataset.participant = owner.id || 'self';
      video.setAttribute('aria-label', label);
      var playing = video.play();
      if (playing) playing.catch(function () {});
      return video;
    }

    function playAudio(owner) {
      var track = owner.tracks.audio;
      if (!track) {
        if (owner.audio) owner.audio.remove();
        owner.audio = null;
        return;
      }
      if (!owner.audio) {
        owner.audio = document.createElement('audio');
        owner.audio.autoplay = true;
        owner.audio.dataset.participant = owner.id;
        audioBox.appendChild(owner.audio);
      }
      if (!owner.audio.srcObject || owner.audio.srcObject.getAudioTracks()[0] !== track)
        owner.audio.srcObject = new MediaStream([track]);
      var playing = owner.audio.play();
      if (playing)
        playing.catch(function () {
          unblock.hidden = false;
        });
    }

    unblock.addEventListener('click', function () {
      unblock.hidden = true;
      Object.keys(people).forEach(function (id) {
        if (people[id].audio) people[id].audio.play().catch(function () {});
      });
    });

    function presenting(owner) {
      return owner.media.audio || owner.media.video || owner.media.screen;
    }

    function caption(text) {
      var node = document.createElement('span');
      node.className = 'stage-caption';
      node.textContent = text;
      return node;
    }

    function nameCard(owner) {
      var card = document.createElement('div');
      card.className = 'name-card';
      var initials = document.createElement('span');
      initials.className = 'name-card-initials';
      initials.setAttribute('aria-hidden', 'true');
      initials.textContent = (owner.name || '?')
        .split(/\s+/)
        .map(function (part) {
          return part.charAt(0);
        })
        .join('')
        .slice(0, 2)
        .toUpperCase();
      card.appendChild(initials);
      return card;
    }

    /**
     * What takes the stage: a shared screen (someone else's before one's own), else the
     * active speaker, else the first presenter; a presenter's own camera only when alone.
     */
    function pickMain(list) {
      var ordered = list
        .filter(function (owner) {
          return !owner.self;
        })
        .concat(
          list.filter(function (owner) {
            return owner.self;
          }),
        );
      var sharing = ordered.filter(function (owner) {
        return owner.media.screen && owner.tracks.screen;
      });
      if (sharing.length) return { owner: sharing[0], kind: 'screen' };
      var current = people[speaker.id];
      if (current && presenting(current)) return { owner: current, kind: 'camera' };
      return ordered.length ? { owner: ordered[0], kind: 'camera' } : null;
    }

    function frame(owner, kind) {
      var box = document.createElement('div');
      box.className = 'stage-frame';
      var showsVideo = kind === 'screen' || (owner.media.video && owner.tracks.camera);
      var label = owner.self
        ? kind === 'screen'
          ? t('live:js.stage.yourScreen')
          : t('live:js.stage.yourCamera')
        : kind === 'screen'
          ? t('live:js.stage.theirScreen', { name: owner.name })
          : t('live:js.stage.theirCamera', { name: owner.name });
      box.appendChild(showsVideo ? videoFor(owner, kind, owner.tracks[kind], label) : nameCard(owner));
      var muted = owner.media && !owner.media.audio;
      var words =
        kind === 'screen'
          ? owner.self
            ? t('live:js.stage.youShare')
            : t('live:js.stage.theyShare', { name: owner.name })
          : !muted
            ? owner.name
            : owner.self
              ? t('live:js.stage.youMicOff')
              : t('live:js.stage.theyMuted', { name: owner.name });
      if (owner.self) box.classList.add('stage-frame-self');
      box.appendChild(caption(words));
      if (speaker.id === owner.id && owner.media.audio) box.classList.add('is-speaking');
      return box;
    }

    function render() {
      var list = [self]
        .concat(
          Object.keys(people).map(function (id) {
            return people[id];
          }),
        )
        .filter(presenting);
      var chosen = pickMain(list);
      empty.hidden = Boolean(chosen);
      if (connected) statusText.textContent = t('live:js.stage.live');
      main.hidden = !chosen;
      main.textContent = '';
      if (chosen) main.appendChild(frame(chosen.owner, chosen.kind));
      tiles.textContent = '';
      list.forEach(function (owner) {
        if (chosen && owner === chosen.owner && chosen.kind === 'camera') return;
        var item = document.createElement('li');
        item.className = 'stage-tile';
        item.appendChild(frame(owner, 'camera'));
        tiles.appendChild(item);
      });
      tiles.hidden = tiles.children.length === 0;
    }

    return {
      connected: function () {
        connected = true;
        emptyText.hidden = false;
        render();
      },
      /** A participant as the room describes them (name, media flags). */
      update: function (view) {
        if (view.id === self.id) return;
        var owner = person(view.id);
        owner.name = view.name || t('live:js.stage.presenter');
        owner.media = view.media || {};
        if (!presenting(owner) && !owner.tracks.audio && !owner.tracks.camera) return render();
        render();
      },
      setSelf: function (id) {
        self.id = id;
      },
      track: function (id, kind, track) {
        var owner = person(id);
        owner.tracks[kind] = track;
        track.addEventListener('ended', function () {
          if (owner.tracks[kind] === track) owner.tracks[kind] = null;
          render();
        });
        if (kind === 'audio') playAudio(owner);
        render();
      },
      drop: function (id) {
        var owner = people[id];
        if (!owner) return;
        if (owner.audio) owner.audio.remove();
        delete people[id];
        render();
      },
      /** This page's own microphone, camera or screen. */
      local: function (kind, track) {
        self.tracks[kind] = track;
        self.media = {
          audio: Boolean(self.tracks.audio),
          video: Boolean(self.tracks.camera),
          screen: Boolean(self.tracks.screen),
        };
        render();
      },
      speakerLevels: function (levels) {
        var loudest = null;
        levels.forEach(function (entry) {
          if (entry[1] > 0.02 && (!loudest || entry[1] > loudest[1])) loudest = entry;
        });
        var now = Date.now();
        if (loudest && loudest[0] !== speaker.id && now - speaker.since > SPEAKER_HOLD_MS) {
          speaker = { id: loudest[0], since: now };
          render();
        }
      },
      reset: function () {
        Object.keys(people).forEach(function (id) {
          if (people[id].audio) people[id].audio.remove();
        });
        people = {};
        render();
      },
      /** Off the stage (left, removed, reconnecting): the sentence alone, not "hasn't started yet". */
      message: function (text) {
        connected = false;
        statusText.textContent = text;
        emptyText.hidden = true;
      },
    };
  };
})();
