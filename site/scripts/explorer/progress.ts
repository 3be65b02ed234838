// The contributor's loading page (worker/src/http/datastore/progress-page.ts): polls the ingest status for the
// progress bar, then swaps in the page's report section, rendered by the Worker, once the job has ended.
interface Status {
  state: string;
  stateLabel: string;
  rowsLoaded: number;
  rowsTotal: number | null;
}

const POLL_MS = 1000;
const numbers = new Intl.NumberFormat('fr-FR');

const section = document.querySelector<HTMLElement>('[data-progress-url]');

async function poll(section: HTMLElement): Promise<void> {
  const response = await fetch(section.dataset.progressUrl!, { credentials: 'same-origin', cache: 'no-store' });
  if (response.ok) {
    const status = await response.json() as Status;
    if (status.state !== 'queued' && status.state !== 'running') {
      const page = new DOMParser().parseFromString(await (await fetch(location.href, { cache: 'no-store' })).text(), 'text/html');
      const fresh = page.querySelector<HTMLElement>('[data-progress-url]');
      if (fresh) {
        section.innerHTML = fresh.innerHTML;
        return;
      }
    }
    const bar = section.querySelector('progress');
    const rows = section.querySelector<HTMLElement>('[data-progress-rows]');
    const state = section.querySelector('[data-progress-state]');
    if (state) state.textContent = status.stateLabel;
    if (bar && status.rowsTotal !== null) {
      bar.max = Math.max(1, status.rowsTotal);
      bar.value = status.rowsLoaded;
    }
    if (rows) {
      // The page's own French templates ({loaded}, {total}), so the text reads the same as when rendered.
      const template = (status.rowsTotal !== null ? rows.dataset.template : rows.dataset.templateUnknown) ?? '';
      rows.textContent = template.replace('{loaded}', numbers.format(status.rowsLoaded)).replace('{total}', numbers.format(status.rowsTotal ?? 0));
    }
  }
  setTimeout(() => void poll(section), POLL_MS);
}

if (section?.dataset.running === 'yes') setTimeout(() => void poll(section), POLL_MS);
