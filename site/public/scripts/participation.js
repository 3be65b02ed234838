// Static pages: the follow link becomes a toggle for signed-in visitors (state and CSRF token asked to the Worker);
// without the session hint, or without JavaScript, the link opens the Worker page, which asks to sign in first.
// "Copy" buttons of the share panel appear only where the clipboard is available.
(function () {
  var signedIn = /(?:^|;\s*)(?:__Host-)?portail_user=/.test(document.cookie);

  function setState(link, following) {
    link.setAttribute('role', 'button');
    link.setAttribute('aria-pressed', following ? 'true' : 'false');
    link.querySelector('[data-follow-label]').textContent = link.getAttribute(following ? 'data-label-following' : 'data-label-follow');
  }

  document.querySelectorAll('[data-follow-type]').forEach(function (link) {
    if (!signedIn) return;
    var query = 'type=' + encodeURIComponent(link.getAttribute('data-follow-type')) + '&id=' + encodeURIComponent(link.getAttribute('data-follow-id'));
    var state = null;
    fetch('/api/participation/follow?' + query, { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) return;
        state = s;
        setState(link, s.following);
      });
    link.addEventListener('click', function (event) {
      if (!state) return;
      event.preventDefault();
      var body = new URLSearchParams(query);
      body.set('action', state.following ? 'unfollow' : 'follow');
      body.set('_csrf', state.csrf);
      fetch('/api/participation/follow', { method: 'POST', credentials: 'same-origin', body: body })
        .then(function (r) {
          if (r.status === 401) { window.location.href = link.href; return null; }
          return r.ok ? r.json() : null;
        })
        .then(function (s) {
          if (!s) return;
          state.following = s.following;
          setState(link, s.following);
        });
    });
  });

  if (!navigator.clipboard) return;
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var field = document.getElementById(button.getAttribute('data-copy'));
      var status = document.querySelector('[data-copy-status]');
      navigator.clipboard.writeText(field.value).then(function () {
        if (status) status.textContent = status.getAttribute('data-label-copied');
      });
    });
  });
})();
