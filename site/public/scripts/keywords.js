// Keyword autocomplete of the dataset form: as the last keyword of the comma-separated list is typed, existing
// keywords (GET /api/keywords) are proposed in an ARIA combobox listbox, so producers reuse them rather than invent
// near-duplicates. Without this script the field is a plain text input and the form works the same.
(function () {
  var input = document.querySelector('input[data-keywords]');
  if (!input || !window.fetch) return;

  var list = document.createElement('ul');
  list.id = 'keyword-suggestions';
  list.className = 'keyword-suggestions';
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', input.getAttribute('data-keywords-label') || '');
  list.hidden = true;
  input.parentNode.classList.add('field-combobox');
  input.insertAdjacentElement('afterend', list);
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-controls', list.id);
  input.setAttribute('aria-expanded', 'false');

  var active = -1;
  var sequence = 0;
  var timer = null;

  function terms() {
    return input.value.split(',');
  }
  function currentTerm() {
    var all = terms();
    return all[all.length - 1].trim();
  }
  function chosen() {
    var all = terms();
    return all.slice(0, -1).map(function (term) { return term.trim().toLowerCase(); });
  }
  function options() {
    return list.querySelectorAll('[role="option"]');
  }
  function close() {
    list.hidden = true;
    list.textContent = '';
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }
  function highlight(index) {
    var all = options();
    if (all.length === 0) return;
    active = (index + all.length) % all.length;
    for (var i = 0; i < all.length; i++) all[i].setAttribute('aria-selected', i === active ? 'true' : 'false');
    input.setAttribute('aria-activedescendant', all[active].id);
    all[active].scrollIntoView({ block: 'nearest' });
  }
  function choose(name) {
    var all = terms();
    all[all.length - 1] = (all.length > 1 ? ' ' : '') + name;
    input.value = all.join(',') + ', ';
    close();
    input.focus();
  }
  function show(keywords) {
    var taken = chosen();
    var fresh = keywords.filter(function (k) { return taken.indexOf(k.name.toLowerCase()) === -1; });
    list.textContent = '';
    active = -1;
    if (fresh.length === 0) return close();
    fresh.forEach(function (keyword, i) {
      var option = document.createElement('li');
      option.id = 'keyword-suggestion-' + i;
      option.setAttribute('role', 'option');
      option.setAttribute('aria-selected', 'false');
      option.textContent = keyword.name;
      option.addEventListener('mousedown', function (event) {
        // Keeps the focus in the field, so choosing does not close the list first.
        event.preventDefault();
        choose(keyword.name);
      });
      list.appendChild(option);
    });
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }
  function suggest() {
    var term = currentTerm();
    var mine = ++sequence;
    if (term.length < 1) return close();
    fetch('/api/keywords?q=' + encodeURIComponent(term), { credentials: 'same-origin' })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (keywords) {
        // An older answer arriving after a newer one is dropped.
        if (mine === sequence && document.activeElement === input) show(keywords);
      })
      .catch(close);
  }

  input.addEventListener('input', function () {
    clearTimeout(timer);
    // One request per pause in typing rather than per key.
    timer = setTimeout(suggest, 150);
  });
  input.addEventListener('keydown', function (event) {
    if (list.hidden) {
      if (event.key === 'ArrowDown' && currentTerm()) suggest();
      return;
    }
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      highlight(active + (event.key === 'ArrowDown' ? 1 : -1));
    } else if (event.key === 'Enter' && active >= 0) {
      event.preventDefault();
      choose(options()[active].textContent);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener('blur', close);
})();
