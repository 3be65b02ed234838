// The data explorer island of the resource page (worker/src/http/datastore/resource-page.ts): tabs for the grid,
// the chart builder and, when the rows are geolocated, the map. The saved default view opens first.
// Chart.js and Leaflet are split into chunks loaded only when needed: most visitors look at the grid.
import { detectPlacement } from '../../../worker/src/domain/datastore-geo';
import { el, translator, type Config } from './common';
import { mountGrid } from './grid';

interface Tab {
  key: string;
  tab: HTMLButtonElement;
  panel: HTMLElement;
  onShow?: () => void;
}

function start(root: HTMLElement): void {
  const config = JSON.parse(root.querySelector('[data-explorer-config]')!.textContent ?? '{}') as Config;
  const t = translator(config.strings);
  const tabList = el('div', { role: 'tablist', class: 'explorer-tabs', 'aria-label': t('datastore.explorer.label') });
  root.append(tabList);
  const tabs: Tab[] = [];

  const select = (chosen: Tab, focus = false) => {
    for (const item of tabs) {
      const on = item === chosen;
      item.tab.setAttribute('aria-selected', String(on));
      item.tab.tabIndex = on ? 0 : -1;
      item.panel.hidden = !on;
    }
    if (focus) chosen.tab.focus();
    chosen.onShow?.();
  };

  const addTab = (key: string, label: string): Tab => {
    const tab = el('button', { type: 'button', role: 'tab', id: `explorer-tab-${key}`, 'aria-controls': `explorer-panel-${key}`, 'aria-selected': 'false', tabindex: '-1' }, label);
    const panel = el('div', { role: 'tabpanel', id: `explorer-panel-${key}`, 'aria-labelledby': tab.id, class: 'explorer-panel', hidden: true });
    const item: Tab = { key, tab, panel };
    tab.addEventListener('click', () => select(item));
    // Arrow keys move between tabs, Home/End to the ends (WAI-ARIA tabs pattern, automatic activation).
    tab.addEventListener('keydown', (event) => {
      const i = tabs.indexOf(item);
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      select(tabs[(to + tabs.length) % tabs.length]!, true);
    });
    tabs.push(item);
    tabList.append(tab);
    root.append(panel);
    return item;
  };

  const grid = addTab('grid', t('datastore.explorer.tabGrid'));
  mountGrid(grid.panel, config, t);
  const chartTab = addTab('chart', t('datastore.explorer.tabChart'));
  let chart: ReturnType<typeof loadChart> | null = null;
  const loadChart = () => import('./chart').then(({ mountChart }) => mountChart(chartTab.panel, config, t));
  const chartReady = () => (chart ??= loadChart());
  chartTab.onShow = () => void chartReady();
  if (config.view) {
    select(chartTab);
    void chartReady().then((c) => c.drawSaved());
  } else {
    select(grid);
  }

  if (!detectPlacement(config.fields)) return;
  void import('./map').then(async ({ findPlacement, mountMap }) => {
    const placement = await findPlacement(config);
    if (!placement) return;
    const mapTab = addTab('map', t('datastore.explorer.tabMap'));
    const map = mountMap(mapTab.panel, config, t, placement);
    mapTab.onShow = () => map.show();
  });
}

for (const root of document.querySelectorAll<HTMLElement>('[data-explorer]')) start(root);
