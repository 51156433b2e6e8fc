// The Guest log window's rows: one visit per row (a card at phone width), every time shown in the
// viewer's own time zone from the API's ISO strings. Everything is text: names come from guests.
(function () {
  'use strict';
  window.Guestlink = window.Guestlink || {};
  var el = window.Guestlink.el;
  var t = window.Guestlink.t;

  function sameDay(a, b) {
    return a.toDateString() === b.toDateString();
  }

  // A time on the day the guest joined needs no date; one on a later day does. The page's
  // language and the viewer's time zone (Guestlink.formatDate).
  function timeElement(iso, joinedIso) {
    var date = new Date(iso);
    var text = sameDay(date, new Date(joinedIso))
      ? window.Guestlink.formatDate(date, { hour: 'numeric', minute: '2-digit' })
      : window.Guestlink.formatDate(date, { dateStyle: 'medium', timeStyle: 'short' });
    var time = el('time', null, text);
    time.setAttribute('datetime', iso);
    return time;
  }

  function cell(label, className) {
    var td = el('td', className);
    if (label) td.dataset.label = label;
    return td;
  }

  // A dash for the eye, "None" for a screen reader.
  function empty(td) {
    td.appendChild(el('span', 'visually-hidden', t('guestLog:js.none')));
    td.appendChild(el('span', null, '–')).setAttribute('aria-hidden', 'true');
    return td;
  }

  function timeCell(label, iso, entry, note) {
    var td = cell(label);
    if (!iso) return empty(td);
    td.appendChild(timeElement(iso, entry.joinedAt));
    if (note) td.appendChild(el('span', 'muted log-note', note));
    return td;
  }

  /** One entry of GET …/guest-log, its words already in the reader's language (src/lobby/guest-log.ts). */
  window.Guestlink.guestLogRow = function (entry) {
    var row = el('tr');
    row.dataset.visitId = entry.visitId;
    var who = cell(null, 'log-guest-cell');
    who.appendChild(el('strong', null, entry.name));
    who.appendChild(el('div', 'muted', entry.email));
    row.appendChild(who);

    // A link's name, or an invited person's "Invitation · Speaker" (src/lobby/guest-log.ts cameThrough).
    row.appendChild(el('td', null, entry.via || entry.linkName)).dataset.label = t('guestLog:js.col.link');
    var joined = cell(t('guestLog:js.col.joined'));
    var joinedAt = el(
      'time',
      null,
      window.Guestlink.formatDate(new Date(entry.joinedAt), { dateStyle: 'medium', timeStyle: 'short' }),
    );
    joinedAt.setAttribute('datetime', entry.joinedAt);
    joined.appendChild(joinedAt);
    row.appendChild(joined);
    row.appendChild(timeCell(t('guestLog:js.col.admitted'), entry.admittedAt, entry, entry.admittedBy));
    row.appendChild(timeCell(t('guestLog:js.col.left'), entry.goneAt, entry));
    var duration = cell(t('guestLog:js.col.duration'), 'log-duration-cell');
    if (entry.duration) duration.textContent = entry.duration;
    row.appendChild(entry.duration ? duration : empty(duration));
    var story = cell(t('guestLog:js.col.story'), 'log-story-cell');
    (entry.story || [{ text: entry.outcome }]).forEach(function (part) {
      story.appendChild(
        part.time ? timeElement(part.time, entry.joinedAt) : document.createTextNode(part.text),
      );
    });
    row.appendChild(story);

    return row;
  };
})();
