// Static pages cannot know who is signed in; the Worker sets a non-secret hint cookie at sign-in so the header
// can offer "Mon compte" without a request to the Worker.
(function () {
  var link = document.querySelector('[data-account-link]');
  if (!link) return;
  var match = /(?:^|;\s*)(?:__Host-)?portail_user=([^;]+)/.exec(document.cookie);
  if (!match) return;
  link.href = '/user';
  link.textContent = link.getAttribute('data-label-account') + ' (' + decodeURIComponent(match[1]) + ')';
})();
