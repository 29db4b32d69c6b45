/* QiaoCamp live room: the class's video (docs/video.md), on Janus's VideoRoom through janus.js.
 *
 * janus.js talks to OUR socket (data-ws-path, /ws/live/<id>/video/): the server checks every
 * request, adds the secrets and forwards it to Janus. Nothing here is trusted: a youth who calls
 * publish() without an invitation is refused by the server, not by this file.
 *
 * - Everyone joins the room once as a participant that sends nothing (the "listener"), to hear
 *   which feeds are published, and subscribes to each (the teacher's, and invited youth's).
 * - The teacher publishes camera + microphone (simulcast) and may add a second picture (screen
 *   or a second camera). Youth choose the picture: best, low bandwidth (lowest simulcast layer)
 *   or sound only; switchable at any time.
 * - Speaking by invitation comes over the room's chat socket (window.QiaoLive, live-room.js):
 *   {"type": "video", "action": "invite" | "mute" | "unmute" | "stop", "user": {...}, "camera"}.
 * Every text from the network goes into the page through textContent.
 */
(function () {
  "use strict";

  function start() {
    var root = document.getElementById("live-video");
    if (!root || typeof Janus === "undefined") return;

    var T = JSON.parse(document.getElementById("video-strings").textContent);
    var ICE = JSON.parse(document.getElementById("video-ice").textContent);
    var ROOM = Number(root.dataset.room);
    var ROLE = root.dataset.role;
    var ME = Number(root.dataset.userId);
    var MODERATOR = ROLE === "teacher" || ROLE === "organizer";
    var el = function (id) { return document.getElementById(id); };
    var stage = el("video-stage");

    var janus = null, listener = null, stopped = false, retry = 0, retryTimer = null;
    var remotes = {};   // feed id -> {handle, tile, video, stream, mids: {mid: kind}, display}
    var mine = {};      // name ("main", "second", "speak") -> {handle, feed, tile}
    var quality = "high";
    var speaking = null; // {camera: bool} while invited
    var speakers = {};   // (teacher) user id -> {user, muted}

    function make(tag, cls, text) {
      var node = document.createElement(tag);
      if (cls) node.className = cls;
      if (text !== undefined && text !== null) node.textContent = text;
      return node;
    }

    function status(text) { el("video-status").textContent = text || ""; }

    function wsUrl() {
      return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + root.dataset.wsPath;
    }

    // janus.js asks an "adapter" which browser this is (for simulcast and stats quirks).
    var ua = navigator.userAgent;
    var browser = /firefox/i.test(ua) ? "firefox" : (/safari/i.test(ua) && !/chrome|chromium/i.test(ua)) ? "safari" : "chrome";
    var version = Number((ua.match(/(?:Firefox|Chrome|Version)\/(\d+)/) || [0, 0])[1]);
    var adapter = { browserDetails: { browser: browser, version: version } };

    /* ---------- session ---------- */

    function connect() {
      if (stopped) return;
      status(T.connecting);
      janus = new Janus({
        server: wsUrl(),
        iceServers: ICE,
        success: function () { retry = 0; status(""); attachListener(); },
        error: function () { lost(); },
        destroyed: function () {},
      });
    }

    function lost() {
      Object.keys(remotes).forEach(dropRemote);
      Object.keys(mine).forEach(function (name) { dropMine(name, true); });
      listener = null;
      janus = null;
      if (stopped) return;
      status(T.unavailable);
      var delay = Math.min(30000, 1000 * Math.pow(2, retry)) * (0.75 + Math.random() * 0.5);
      retry += 1;
      clearTimeout(retryTimer);
      retryTimer = setTimeout(connect, delay);
    }

    function stop(text) {
      stopped = true;
      clearTimeout(retryTimer);
      if (janus) { try { janus.destroy({ cleanupHandles: true }); } catch (e) { /* already gone */ } }
      lost();
      status(text || T.ended);
    }

    function attachListener() {
      janus.attach({
        plugin: "janus.plugin.videoroom",
        success: function (handle) {
          listener = handle;
          handle.send({ message: { request: "join", room: ROOM, ptype: "publisher" } });
        },
        error: function () { lost(); },
        onmessage: function (msg) {
          var list = msg.publishers || [];
          list.forEach(function (p) { if (!ownFeed(p.id)) subscribe(p); });
          var gone = msg.unpublished || msg.leaving || msg.kicked;
          if (gone && gone !== "ok" && remotes[gone]) dropRemote(gone);
          if (msg.videoroom === "destroyed") stop(T.ended);
        },
      });
      if (root.dataset.mayPublish === "1") el("video-publish").disabled = false;
    }

    function ownFeed(id) {
      return Object.keys(mine).some(function (name) { return mine[name].feed === id; });
    }

    /* ---------- receiving ---------- */

    function tileFor(id, display) {
      var tile = make("figure", "video-tile");
      tile.dataset.feed = id;
      var video = make("video");
      video.autoplay = true;
      video.playsInline = true;
      video.setAttribute("playsinline", "");
      tile.appendChild(video);
      var caption = make("figcaption", null, display || "");
      tile.appendChild(caption);
      stage.appendChild(tile);
      el("video-waiting").hidden = true;
      return { tile: tile, video: video };
    }

    function play(remote) {
      var video = remote.video;
      var attempt = video.play();
      if (attempt && attempt.catch) {
        attempt.catch(function () {
          // The browser wants a tap before sound: play muted, offer the sound.
          video.muted = true;
          video.play().catch(function () {});
          if (!remote.soundButton) {
            var b = make("button", "secondary video-sound", "🔊");
            b.type = "button";
            b.setAttribute("aria-label", T.sound || "Sound");
            b.addEventListener("click", function () { video.muted = false; video.play(); b.remove(); remote.soundButton = null; });
            remote.tile.appendChild(b);
            remote.soundButton = b;
          }
        });
      }
    }

    function subscribe(p) {
      if (remotes[p.id] || !janus) return;
      var remote = { handle: null, stream: new MediaStream(), mids: {}, display: p.display };
      remotes[p.id] = remote;
      var parts = tileFor(p.id, p.display);
      remote.tile = parts.tile;
      remote.video = parts.video;
      remote.video.srcObject = remote.stream;
      janus.attach({
        plugin: "janus.plugin.videoroom",
        success: function (handle) {
          remote.handle = handle;
          handle.send({ message: { request: "join", room: ROOM, ptype: "subscriber", streams: [{ feed: p.id }] } });
        },
        error: function () { dropRemote(p.id); },
        onmessage: function (msg, jsep) {
          (msg.streams || []).forEach(function (s) { if (s.mid !== undefined) remote.mids[s.mid] = s.type; });
          if (jsep) {
            remote.handle.createAnswer({
              jsep: jsep,
              tracks: [{ type: "data" }],
              success: function (answer) {
                remote.handle.send({ message: { request: "start", room: ROOM }, jsep: answer });
                if (quality !== "high") applyQuality(remote);
              },
              error: function () { dropRemote(p.id); },
            });
          }
        },
        onremotetrack: function (track, mid, on) {
          var existing = remote.stream.getTracks().filter(function (t) { return t.id === track.id; })[0];
          if (on && !existing) remote.stream.addTrack(track);
          if (!on && existing) remote.stream.removeTrack(existing);
          remote.tile.classList.toggle("audio-only", remote.stream.getVideoTracks().length === 0);
          if (on) play(remote);
        },
        oncleanup: function () {},
      });
    }

    function dropRemote(id) {
      var remote = remotes[id];
      if (!remote) return;
      delete remotes[id];
      if (remote.handle) { try { remote.handle.detach(); } catch (e) { /* gone */ } }
      remote.tile.remove();
      if (!stage.querySelector(".video-tile")) el("video-waiting").hidden = false;
    }

    function applyQuality(remote) {
      if (!remote.handle) return;
      var streams = Object.keys(remote.mids).filter(function (mid) { return remote.mids[mid] === "video"; })
        .map(function (mid) {
          var s = { mid: mid, send: quality !== "audio" };
          if (quality !== "audio") s.substream = quality === "low" ? 0 : 2;
          return s;
        });
      if (streams.length) remote.handle.send({ message: { request: "configure", streams: streams } });
    }

    Array.prototype.forEach.call(document.querySelectorAll("input[name=video-quality]"), function (input) {
      input.addEventListener("change", function () {
        if (!input.checked) return;
        quality = input.value;
        Object.keys(remotes).forEach(function (id) { applyQuality(remotes[id]); });
      });
    });

    /* ---------- publishing ---------- */

    // Resolves with "ok" once Janus accepted the offer, or with the server's refusal.
    function publish(name, tracks) {
      return new Promise(function (resolve) {
        if (!janus) return resolve("not connected");
        if (mine[name]) return resolve("ok");
        var me = { handle: null, feed: null, tile: null };
        mine[name] = me;
        var done = function (result) { if (resolve) { resolve(result); resolve = null; } };
        var fail = function (reason) { dropMine(name); status(T.refused); done(String(reason)); };
        janus.attach({
          plugin: "janus.plugin.videoroom",
          success: function (handle) {
            me.handle = handle;
            handle.send({ message: { request: "join", room: ROOM, ptype: "publisher" }, error: fail });
          },
          error: fail,
          onmessage: function (msg, jsep) {
            if (msg.error) return fail(msg.error_code + " " + msg.error);
            if (msg.videoroom === "joined") {
              me.feed = msg.id;
              me.handle.createOffer({
                tracks: tracks,
                success: function (offer) {
                  me.handle.send({ message: { request: "publish" }, jsep: offer, error: fail });
                },
                error: function () { dropMine(name); status(T.no_media); done("no media"); },
              });
            }
            if (jsep) { me.handle.handleRemoteJsep({ jsep: jsep }); done("ok"); }
            if (msg.kicked || msg.unpublished === "ok") dropMine(name);
          },
          onlocaltrack: function (track, on) {
            if (track.kind !== "video") return;
            if (on && !me.tile) {
              var parts = tileFor("me-" + name, "");
              me.tile = parts.tile;
              me.tile.classList.add("video-self");
              parts.video.muted = true;
              parts.video.srcObject = new MediaStream([track]);
            }
          },
        });
      });
    }

    function dropMine(name, quiet) {
      var me = mine[name];
      if (!me) return;
      delete mine[name];
      if (me.handle) {
        try { me.handle.send({ message: { request: "unpublish" } }); } catch (e) { /* gone */ }
        try { me.handle.hangup(); me.handle.detach(); } catch (e) { /* gone */ }
      }
      if (me.tile) me.tile.remove();
      if (!quiet) updateTeacherButtons();
    }

    function cameraTracks() {
      return [{ type: "audio", capture: true, recv: false },
        { type: "video", capture: true, recv: false, simulcast: true }];
    }

    function updateTeacherButtons() {
      var on = !!mine.main;
      if (el("video-publish")) el("video-publish").hidden = on;
      if (el("video-stop")) el("video-stop").hidden = !on;
      if (el("video-second")) el("video-second").disabled = !on || !!mine.second;
      if (el("video-record")) {
        el("video-record").hidden = !on;
        if (!on) setRecording(false);
      }
      if (on) status(T.on_air);
    }

    // The teacher records the main feed; the server names the files and keeps them for the group.
    function setRecording(on) {
      var b = el("video-record");
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.textContent = on ? "● " + T.recording : T.record;
    }

    if (el("video-record")) {
      el("video-record").addEventListener("click", function () {
        var on = el("video-record").getAttribute("aria-pressed") !== "true";
        if (!mine.main || !mine.main.handle) return;
        mine.main.handle.send({
          message: { request: "configure", record: on },
          success: function () { setRecording(on); },
          error: function () { status(T.refused); },
        });
      });
    }

    if (el("video-publish")) {
      el("video-publish").disabled = true;
      el("video-publish").addEventListener("click", function () {
        publish("main", cameraTracks()).then(updateTeacherButtons);
      });
      el("video-stop").addEventListener("click", function () {
        dropMine("second"); dropMine("main"); status("");
      });
      el("video-second").addEventListener("click", function () {
        var source = el("video-second-source").value;
        var chosen = source === "screen" ? [{ type: "screen", capture: true, recv: false }]
          : [{ type: "video", capture: true, recv: false, simulcast: true }];
        if (source === "camera" && navigator.mediaDevices && navigator.mediaDevices.enumerateDevices) {
          navigator.mediaDevices.enumerateDevices().then(function (devices) {
            var cams = devices.filter(function (d) { return d.kind === "videoinput"; });
            var second = cams[1] || cams[0];
            if (second) chosen = [{ type: "video", capture: { deviceId: { exact: second.deviceId } }, recv: false, simulcast: true }];
            publish("second", chosen).then(updateTeacherButtons);
          });
        } else {
          publish("second", chosen).then(updateTeacherButtons);
        }
      });
    }

    /* ---------- speaking by invitation (over the room's chat socket) ---------- */

    function speakingNotice(text) {
      el("video-speaking").hidden = !text;
      el("video-speaking-text").textContent = text || "";
    }

    function onVideoFrame(data) {
      if (!data.user) return;
      if (MODERATOR) renderSpeaker(data);
      if (data.user.id !== ME) return;
      if (data.action === "invite") {
        speaking = { camera: !!data.camera };
        var tracks = [{ type: "audio", capture: true, recv: false }];
        if (data.camera) tracks.push({ type: "video", capture: true, recv: false, simulcast: false });
        publish("speak", tracks).then(function (result) {
          speakingNotice(result === "ok" ? (data.camera ? T.invited_camera : T.invited) : T.refused);
        });
      } else if (data.action === "mute") {
        speakingNotice(T.muted);
      } else if (data.action === "unmute") {
        speakingNotice(speaking && speaking.camera ? T.invited_camera : T.invited);
      } else if (data.action === "stop") {
        speaking = null;
        dropMine("speak");
        speakingNotice(T.stopped);
      }
    }

    function renderSpeaker(data) {
      var box = el("video-speakers-box"), list = el("video-speakers");
      if (!box) return;
      if (data.action === "stop") delete speakers[data.user.id];
      else speakers[data.user.id] = { user: data.user, muted: data.action === "mute" ? true : data.action === "unmute" ? false : (speakers[data.user.id] || {}).muted };
      list.textContent = "";
      Object.keys(speakers).forEach(function (id) {
        var s = speakers[id];
        var li = make("li");
        li.dataset.userId = id;
        li.appendChild(make("span", "person-name", s.user.name));
        [[s.muted ? "unmute" : "mute", s.muted ? T.unmute : T.mute], ["stop", T.stop]].forEach(function (pair) {
          var b = make("button", "link", pair[1]);
          b.type = "button";
          b.dataset.videoAction = pair[0];
          b.addEventListener("click", function () { window.QiaoLive.send({ type: "video", action: pair[0], user_id: Number(id) }); });
          li.appendChild(document.createTextNode(" "));
          li.appendChild(b);
        });
        list.appendChild(li);
      });
      box.hidden = !Object.keys(speakers).length;
    }

    if (window.QiaoLive) {
      window.QiaoLive.on("video", onVideoFrame);
      window.QiaoLive.on("room", function (data) { if (data.session && data.session.state === "ended") stop(T.ended); });
      window.QiaoLive.on("removed", function () { stop(""); });
      window.QiaoLive.on("cancelled", function () { stop(""); });
      if (MODERATOR) {
        window.QiaoLive.on("hands", function (info) {
          Array.prototype.forEach.call(info.list.querySelectorAll("li[data-user-id]"), function (li) {
            var b = make("button", "link video-invite", T.invite);
            b.type = "button";
            b.addEventListener("click", function () {
              window.QiaoLive.send({ type: "video", action: "invite", user_id: Number(li.dataset.userId) });
            });
            li.appendChild(document.createTextNode(" "));
            li.appendChild(b);
          });
        });
      }
    }

    // For tests and the curious: what arrives, and a publish attempt (the server decides).
    window.QiaoVideo = {
      publish: function (withVideo) {
        var tracks = [{ type: "audio", capture: true, recv: false }];
        if (withVideo !== false) tracks.push({ type: "video", capture: true, recv: false });
        return publish("try", tracks);
      },
      feeds: function () {
        return Object.keys(remotes).map(function (id) {
          var r = remotes[id];
          return { feed: Number(id), display: r.display, width: r.video.videoWidth, height: r.video.videoHeight,
            time: r.video.currentTime, audio: r.stream.getAudioTracks().length, video: r.stream.getVideoTracks().length };
        });
      },
      audioBytes: function () {
        var ids = Object.keys(remotes);
        return Promise.all(ids.map(function (id) {
          var pc = remotes[id].handle && remotes[id].handle.webrtcStuff.pc;
          if (!pc) return Promise.resolve([id, 0]);
          return pc.getStats().then(function (stats) {
            var bytes = 0;
            stats.forEach(function (s) { if (s.type === "inbound-rtp" && s.kind === "audio") bytes += s.bytesReceived || 0; });
            return [remotes[id] ? remotes[id].display : id, bytes];
          });
        }));
      },
    };

    Janus.init({
      debug: false,
      dependencies: Janus.useDefaultDependencies({ adapter: adapter }),
      callback: connect,
    });
  }

  // Deferred scripts run in document order, this one before live-room.js, and all of them before
  // DOMContentLoaded: window.QiaoLive is there by then.
  if (document.readyState === "complete") start();
  else document.addEventListener("DOMContentLoaded", start);
})();
