// WebRTC links. A link carries one presenter's microphone, camera and screen to one
// receiver and is named "<presenter>~<receiver>"; the presenter always offers, the receiver
// always answers. With the built-in engine a presenter keeps a link to every other
// participant; with Janus it keeps one, to the media server ("<presenter>~sfu"), and the
// server offers each receiver one link per presenter.
(function () {
  'use strict';
  var live = ((window.Guestlink = window.Guestlink || {}).live = window.Guestlink.live || {});
  var KINDS = ['audio', 'camera', 'screen'];
  // Caps each presenter's upload per link; with the built-in engine every receiver is one more link.
  var BITRATES = {
    mesh: { camera: 600000, screen: 1500000 },
    sfu: { camera: 1200000, screen: 2500000 },
  };

  live.peers = function (options) {
    var outbound = {};
    var inbound = {};
    var local = { audio: null, camera: null, screen: null };

    function linkName(publisher, receiver) {
      return publisher + '~' + receiver;
    }

    // A link's own candidates go out once its offer or answer has: each on its own request, in
    // parallel, as ICE needs them fast. What comes from the other end is applied in order
    // (`remote`): a description before its candidates.
    function sendCandidate(entry, candidate) {
      entry.described.then(function () {
        if (entry.closed) return null;
        return options
          .send({ type: 'candidate', link: entry.link, candidate: candidate })
          .catch(function (failure) {
            if (!entry.closed) options.onError(failure);
          });
      });
    }

    function fail(entry) {
      return function (failure) {
        if (!entry.closed) options.onError(failure);
      };
    }

    function watch(entry, onFailed) {
      entry.pc.onicecandidate = function (event) {
        sendCandidate(entry, event.candidate ? event.candidate.toJSON() : null);
      };
      entry.pc.onconnectionstatechange = function () {
        if (entry.pc.connectionState === 'failed' && !entry.closed) onFailed();
      };
    }

    function limitBitrates(entry) {
      var caps = BITRATES[options.topology] || BITRATES.mesh;
      ['camera', 'screen'].forEach(function (kind) {
        var sender = entry.transceivers[kind].sender;
        var parameters = sender.getParameters();
        if (!parameters.encodings || parameters.encodings.length === 0) return;
        parameters.encodings[0].maxBitrate = caps[kind];
        sender.setParameters(parameters).catch(function () {});
      });
    }

    function negotiate(entry) {
      var pc = entry.pc;
      entry.described = pc
        .createOffer()
        .then(function (offer) {
          return pc.setLocalDescription(offer);
        })
        .then(function () {
          limitBitrates(entry);
          var tracks = {};
          KINDS.forEach(function (kind) {
            tracks[entry.transceivers[kind].mid] = kind;
          });
          if (entry.closed) return null;
          return options.send({
            type: 'offer',
            link: entry.link,
            sdp: pc.localDescription.sdp,
            tracks: tracks,
          });
        })
        .catch(fail(entry));
    }

    /** A link from this page to one receiver (or the media server). */
    function openOutbound(to) {
      if (outbound[to]) return outbound[to];
      var pc = new RTCPeerConnection({ iceServers: options.iceServers, bundlePolicy: 'max-bundle' });
      var entry = {
        pc: pc,
        link: linkName(options.selfId(), to),
        transceivers: {},
        remote: Promise.resolve(),
        described: null,
        closed: false,
      };
      KINDS.forEach(function (kind) {
        var transceiver = pc.addTransceiver(kind === 'audio' ? 'audio' : 'video', { direction: 'sendonly' });
        entry.transceivers[kind] = transceiver;
        if (local[kind]) transceiver.sender.replaceTrack(local[kind]);
      });
      watch(entry, function () {
        // A presenter's link that failed is built again from scratch.
        closeOutbound(to);
        window.setTimeout(function () {
          if (options.wantsLink(to)) openOutbound(to);
        }, 1000);
      });
      outbound[to] = entry;
      negotiate(entry);
      return entry;
    }

    function closeOutbound(to) {
      var entry = outbound[to];
      if (!entry) return;
      entry.closed = true;
      entry.pc.close();
      delete outbound[to];
    }

    function openInbound(publisher, link) {
      var pc = new RTCPeerConnection({ iceServers: options.iceServers, bundlePolicy: 'max-bundle' });
      var entry = {
        pc: pc,
        link: link,
        tracks: {},
        remote: Promise.resolve(),
        described: null,
        closed: false,
      };
      entry.described = new Promise(function (resolve) {
        entry.markDescribed = resolve;
      });
      pc.ontrack = function (event) {
        var kind = entry.tracks[event.transceiver.mid];
        if (kind) options.onTrack(publisher, kind, event.track);
      };
      watch(entry, function () {
        options.onInboundFailed(publisher);
      });
      inbound[publisher] = entry;
      return entry;
    }

    function closeInbound(publisher) {
      var entry = inbound[publisher];
      if (!entry) return;
      entry.closed = true;
      entry.pc.close();
      delete inbound[publisher];
      options.onInboundClosed(publisher);
    }

    function onOffer(publisher, signal) {
      var entry = inbound[publisher];
      if (entry && entry.link !== signal.link) {
        closeInbound(publisher);
        entry = null;
      }
      entry = entry || openInbound(publisher, signal.link);
      var pc = entry.pc;
      var answered = entry.remote
        .then(function () {
          Object.keys(signal.tracks || {}).forEach(function (mid) {
            entry.tracks[mid] = signal.tracks[mid];
          });
          return pc.setRemoteDescription({ type: 'offer', sdp: signal.sdp });
        })
        .then(function () {
          return pc.createAnswer();
        })
        .then(function (answer) {
          return pc.setLocalDescription(answer);
        });
      entry.remote = answered.catch(fail(entry));
      var sent = answered
        .then(function () {
          if (entry.closed) return null;
          return options.send({ type: 'answer', link: entry.link, sdp: pc.localDescription.sdp });
        })
        .catch(fail(entry));
      // The first answer releases the candidates gathered meanwhile; later ones follow it.
      if (entry.markDescribed) {
        sent.then(entry.markDescribed);
        entry.markDescribed = null;
      } else {
        entry.described = sent;
      }
    }

    function addCandidate(entry, candidate) {
      if (!entry || !candidate) return;
      entry.remote = entry.remote.then(function () {
        if (entry.closed) return null;
        return entry.pc.addIceCandidate(candidate).catch(function () {});
      });
    }

    /** A signal from the other end of one of this page's links. */
    function receive(signal) {
      var ends = String(signal.link).split('~');
      var self = options.selfId();
      if (ends[1] === self) {
        if (signal.type === 'offer') onOffer(ends[0], signal);
        else if (signal.type === 'candidate') addCandidate(inbound[ends[0]], signal.candidate);
        return;
      }
      if (ends[0] !== self) return;
      var entry = outbound[ends[1]];
      if (!entry) return;
      if (signal.type === 'answer') {
        entry.remote = entry.remote.then(function () {
          if (entry.closed) return null;
          return entry.pc.setRemoteDescription({ type: 'answer', sdp: signal.sdp }).catch(fail(entry));
        });
      } else if (signal.type === 'candidate') {
        addCandidate(entry, signal.candidate);
      }
    }

    /** Keeps exactly these outbound links (receiver ids, or "sfu"). */
    function publishTo(receivers) {
      Object.keys(outbound).forEach(function (to) {
        if (receivers.indexOf(to) < 0) closeOutbound(to);
      });
      receivers.forEach(openOutbound);
    }

    /** Puts a local track (or nothing) on every outbound link, without renegotiating. */
    function setTrack(kind, track) {
      local[kind] = track;
      Object.keys(outbound).forEach(function (to) {
        outbound[to].transceivers[kind].sender.replaceTrack(track).catch(function () {});
      });
    }

    function closeAll() {
      Object.keys(outbound).forEach(closeOutbound);
      Object.keys(inbound).forEach(closeInbound);
    }

    /** Inbound audio levels by presenter, for the active speaker. */
    function audioLevels() {
      var publishers = Object.keys(inbound);
      return Promise.all(
        publishers.map(function (publisher) {
          return inbound[publisher].pc.getStats().then(function (report) {
            var level = 0;
            report.forEach(function (stats) {
              if (stats.type === 'inbound-rtp' && stats.kind === 'audio' && stats.audioLevel)
                level = stats.audioLevel;
            });
            return [publisher, level];
          });
        }),
      );
    }

    return {
      receive: receive,
      publishTo: publishTo,
      setTrack: setTrack,
      closeInbound: closeInbound,
      closeAll: closeAll,
      audioLevels: audioLevels,
      inbound: inbound,
      outbound: outbound,
    };
  };
})();
