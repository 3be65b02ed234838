import { describe, expect, it } from 'vitest';
import { compileFilter, defaultStyle, normalizeForGeometry, validateStyle, type Style } from '../../worker/src/domain/style';
import { exportSld, importSld, importSldLayers } from '../../worker/src/domain/sld';
import { t, TABLES, type MessageKey } from '../../worker/src/i18n';

const rich: Style = {
  name: 'Communes & population',
  classes: [
    { title: 'Petites <communes>', filter: { attribute: 'pop', operator: '<', values: ['1000'] }, fill: { color: '#ffffcc', opacity: 0.8 }, stroke: { color: '#333333', width: 0.5 }, point: null, label: null },
    { title: 'Moyennes', filter: { attribute: 'pop', operator: 'between', values: ['1000', '9999'] }, fill: { color: '#a1dab4', opacity: 1 }, stroke: null, point: null, label: { attribute: 'nom', size: 11, color: '#000000' } },
    { title: 'Préfectures', filter: { attribute: 'code', operator: 'in', values: ['34172', '30189', '11069'] }, fill: { color: '#2c7fb8', opacity: 0.5 }, stroke: { color: '#ffffff', width: 2 }, point: null, label: null },
    { title: 'Saint-*', filter: { attribute: 'nom', operator: 'like', values: ['Saint-*'] }, fill: { color: '#253494', opacity: 1 }, stroke: null, point: null, label: null },
    { title: 'Hors Hérault', filter: { attribute: 'dep', operator: '!=', values: ['34'] }, fill: null, stroke: { color: '#ff0000', width: 3 }, point: null, label: null },
    { title: '≥ 50 000', filter: { attribute: 'pop', operator: '>=', values: ['50000'] }, fill: { color: '#000000', opacity: 1 }, stroke: null, point: null, label: null },
    { title: '= Montpellier', filter: { attribute: 'nom', operator: '=', values: ['Montpellier'] }, fill: { color: '#111111', opacity: 1 }, stroke: null, point: null, label: null },
    { title: '<= 10', filter: { attribute: 'pop', operator: '<=', values: ['10'] }, fill: { color: '#222222', opacity: 1 }, stroke: null, point: null, label: null },
    { title: '> 10', filter: { attribute: 'pop', operator: '>', values: ['10'] }, fill: { color: '#333333', opacity: 1 }, stroke: null, point: null, label: null },
  ],
};

const points: Style = {
  name: 'Écoles',
  classes: [
    { title: 'Publiques', filter: { attribute: 'secteur', operator: '=', values: ['public'] }, fill: { color: '#e6550d', opacity: 1 }, stroke: { color: '#7f2704', width: 1 }, point: { symbol: 'star', size: 12 }, label: { attribute: 'nom', size: 10, color: '#222222' } },
    { title: 'Autres', filter: null, fill: { color: '#31a354', opacity: 0.7 }, stroke: null, point: { symbol: 'triangle', size: 8 }, label: null },
  ],
};

function problemText(result: ReturnType<typeof importSld>): string {
  if (result.ok) throw new Error('expected a refusal');
  return t('fr', result.problem.key as MessageKey, result.problem.params);
}

describe('style model', () => {
  it('gives a valid default style for each geometry kind', () => {
    for (const kind of ['point', 'line', 'polygon'] as const) expect(validateStyle(defaultStyle(kind))).toEqual([]);
  });

  it('refuses bad colours, missing filter values and classes that draw nothing, naming the class', () => {
    const style: Style = {
      name: '',
      classes: [
        { title: 'a', filter: { attribute: 'x', operator: 'between', values: ['1'] }, fill: { color: 'red', opacity: 1 }, stroke: null, point: null, label: null },
        { title: 'b', filter: null, fill: null, stroke: null, point: null, label: null },
      ],
    };
    expect(validateStyle(style).map((p) => p.key)).toEqual(['style.error.nameRequired', 'style.error.filterValues', 'style.error.fill', 'style.error.nothingDrawn']);
    for (const p of validateStyle(style)) expect(TABLES.fr[p.key as keyof typeof TABLES.fr]).toBeTruthy();
  });

  it('evaluates every operator, numbers as numbers and missing attributes as no match', () => {
    const test = (operator: Parameters<typeof compileFilter>[0] & object) => compileFilter(operator);
    expect(test({ attribute: 'pop', operator: '<', values: ['1000'] })({ pop: 999 })).toBe(true);
    expect(test({ attribute: 'pop', operator: '<', values: ['1000'] })({ pop: '10000' })).toBe(false);
    expect(test({ attribute: 'pop', operator: '<', values: ['1000'] })({})).toBe(false);
    expect(test({ attribute: 'pop', operator: '!=', values: ['5'] })({})).toBe(false);
    expect(test({ attribute: 'pop', operator: 'between', values: ['10', '20'] })({ pop: 20 })).toBe(true);
    expect(test({ attribute: 'pop', operator: 'between', values: ['10', '20'] })({ pop: 21 })).toBe(false);
    expect(test({ attribute: 'nom', operator: 'like', values: ['Saint-?er*'] })({ nom: 'Saint-Gervais' })).toBe(true);
    expect(test({ attribute: 'nom', operator: 'like', values: ['Saint-?er*'] })({ nom: 'Sainte-Croix' })).toBe(false);
    expect(test({ attribute: 'nom', operator: 'like', values: ['a.b'] })({ nom: 'axb' })).toBe(false);
    expect(test({ attribute: 'code', operator: 'in', values: ['1', '2'] })({ code: 2 })).toBe(true);
    expect(test({ attribute: 'nom', operator: '>=', values: ['M'] })({ nom: 'Nîmes' })).toBe(true);
    expect(compileFilter(null)(null)).toBe(true);
  });
});

describe('SLD', () => {
  for (const version of ['1.0.0', '1.1.0'] as const) {
    it(`round-trips a polygon style with every operator through SLD ${version}`, () => {
      const sld = exportSld(rich, { layerName: 'communes', geometry: 'polygon', version });
      const back = importSld(sld);
      expect(back).toEqual({ ok: true, style: normalizeForGeometry(rich, 'polygon') });
    });

    it(`round-trips a point style through SLD ${version}`, () => {
      const sld = exportSld(points, { layerName: 'ecoles', geometry: 'point', version });
      expect(sld).not.toContain('PolygonSymbolizer');
      expect(importSld(sld)).toEqual({ ok: true, style: points });
    });
  }

  it('round-trips a line style', () => {
    const line = defaultStyle('line');
    const sld = exportSld(line, { layerName: 'routes', geometry: 'line' });
    expect(sld).toContain('<LineSymbolizer>');
    expect(importSld(sld)).toEqual({ ok: true, style: line });
  });

  it('reads a QGIS-style SE 1.1 document with SvgParameter, prefixed names and a WellKnownName circle', () => {
    const sld = `<?xml version="1.0" encoding="UTF-8"?>
<StyledLayerDescriptor xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc" xmlns:se="http://www.opengis.net/se" version="1.1.0">
  <NamedLayer><se:Name>arrets</se:Name>
    <UserStyle><se:Name>arrets</se:Name>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>Tram</se:Name><se:Description><se:Title>Tram</se:Title></se:Description>
          <ogc:Filter xmlns:ogc="http://www.opengis.net/ogc"><ogc:PropertyIsEqualTo><ogc:PropertyName>mode</ogc:PropertyName><ogc:Literal>tram</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName>
            <se:Fill><se:SvgParameter name="fill">#E31A1C</se:SvgParameter></se:Fill>
            <se:Stroke><se:SvgParameter name="stroke">#232323</se:SvgParameter><se:SvgParameter name="stroke-width">0.5</se:SvgParameter></se:Stroke>
          </se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>
        </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
</StyledLayerDescriptor>`;
    expect(importSld(sld)).toEqual({
      ok: true,
      style: { name: 'arrets', classes: [{ title: 'Tram', filter: { attribute: 'mode', operator: '=', values: ['tram'] }, fill: { color: '#e31a1c', opacity: 1 }, stroke: { color: '#232323', width: 0.5 }, point: { symbol: 'circle', size: 7 }, label: null }] },
    });
  });

  it('translates declared wildcards of PropertyIsLike into the model’s', () => {
    const sld = exportSld(rich, { layerName: 'x' }).replace('wildCard="*" singleChar="?" escape="\\">', 'wildCard="%" singleChar="_" escape="!">').replace('<ogc:Literal>Saint-*</ogc:Literal>', '<ogc:Literal>Saint-%</ogc:Literal>');
    const result = importSld(sld);
    expect(result.ok && result.style.classes[3]?.filter).toEqual({ attribute: 'nom', operator: 'like', values: ['Saint-*'] });
  });

  it('refuses an XML entity bomb with a French message, without expanding anything', () => {
    const bomb = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<StyledLayerDescriptor version="1.0.0"><NamedLayer><Name>&lol9;</Name></NamedLayer></StyledLayerDescriptor>`;
    const started = performance.now();
    expect(problemText(importSld(bomb))).toMatch(/DOCTYPE.*refusée.*entités/);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('refuses an external entity (XXE) and an undeclared entity', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]><StyledLayerDescriptor>&x;</StyledLayerDescriptor>`;
    expect(importSld(xxe)).toMatchObject({ ok: false, problem: { key: 'style.sld.doctype' } });
    expect(importSld('<StyledLayerDescriptor>&x;</StyledLayerDescriptor>')).toMatchObject({ ok: false, problem: { key: 'style.sld.syntax' } });
  });

  it('explains each other refusal precisely', () => {
    expect(problemText(importSld('<a><b></a>'))).toMatch(/n’est pas un XML valide/);
    expect(problemText(importSld('<html/>'))).toBe('Ce document n’est pas un SLD : l’élément racine est « html » au lieu de StyledLayerDescriptor.');
    expect(importSld('<StyledLayerDescriptor/>')).toMatchObject({ ok: false, problem: { key: 'style.sld.noUserStyle' } });
    expect(importSld('x'.repeat(600 * 1024))).toMatchObject({ ok: false, problem: { key: 'style.sld.tooLarge' } });
    const withRule = (rule: string) => `<StyledLayerDescriptor xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc"><NamedLayer><UserStyle><Name>s</Name><FeatureTypeStyle><Rule>${rule}</Rule></FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>`;
    expect(importSld(withRule('<ogc:Filter><ogc:Not><ogc:PropertyIsNull><ogc:PropertyName>a</ogc:PropertyName></ogc:PropertyIsNull></ogc:Not></ogc:Filter><PolygonSymbolizer><Fill/></PolygonSymbolizer>')))
      .toMatchObject({ ok: false, problem: { key: 'style.sld.unsupportedFilter', params: { n: 1, element: 'Not' } } });
    expect(importSld(withRule('<PointSymbolizer><Graphic><Mark><WellKnownName>cross</WellKnownName></Mark></Graphic></PointSymbolizer>')))
      .toMatchObject({ ok: false, problem: { key: 'style.sld.mark', params: { value: 'cross' } } });
    expect(importSld(withRule('<PolygonSymbolizer><Fill><CssParameter name="fill">rouge</CssParameter></Fill></PolygonSymbolizer>')))
      .toMatchObject({ ok: false, problem: { key: 'style.sld.color', params: { value: 'rouge' } } });
    expect(importSld(withRule('<PointSymbolizer><Graphic><ExternalGraphic/></Graphic></PointSymbolizer>'))).toMatchObject({ ok: false, problem: { key: 'style.sld.externalGraphic' } });
    expect(importSld(withRule('<ElseFilter/><LineSymbolizer><Stroke/></LineSymbolizer>'))).toMatchObject({ ok: false, problem: { key: 'style.sld.elseFilter' } });
    expect(importSld(withRule('<Name>r</Name>'))).toMatchObject({ ok: false, problem: { key: 'style.error.nothingDrawn' } });
  });

  it('escapes names and values in the exported XML', () => {
    const sld = exportSld(rich, { layerName: 'a&b' });
    expect(sld).toContain('<Name>a&amp;b</Name>');
    expect(sld).toContain('<Title>Petites &lt;communes&gt;</Title>');
  });
});

describe('SLD sent with a WMS GetMap (SLD_BODY)', () => {
  const doc = (layers: string) => `<StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc">${layers}</StyledLayerDescriptor>`;
  const fill = (color: string) => `<PolygonSymbolizer><Fill><CssParameter name="fill">${color}</CssParameter></Fill></PolygonSymbolizer>`;

  it('reads each NamedLayer’s UserStyle or NamedStyle', () => {
    const result = importSldLayers(doc(`<NamedLayer><Name>a</Name><UserStyle><FeatureTypeStyle><Rule>${fill('#00ff00')}</Rule></FeatureTypeStyle></UserStyle></NamedLayer>`
      + '<NamedLayer><Name>b</Name><NamedStyle><Name>default</Name></NamedStyle></NamedLayer><UserLayer><Name>distante</Name></UserLayer>'));
    if (!result.ok) throw new Error(result.problem.key);
    expect(result.layers.map((l) => [l.layerName, l.style?.classes[0]?.fill?.color ?? null, l.namedStyle])).toEqual([['a', '#00ff00', null], ['b', null, 'default']]);
  });

  it('drops rules it cannot evaluate and leaves out parts it cannot draw, where the strict import refuses them', () => {
    const userStyle = '<UserStyle><FeatureTypeStyle><Rule><ElseFilter/>' + fill('#ff0000') + '</Rule>'
      + '<Rule><PointSymbolizer><Graphic><ExternalGraphic/><Mark><WellKnownName>shape://vertline</WellKnownName></Mark><Size>4</Size></Graphic></PointSymbolizer>'
      + '<TextSymbolizer><Label>n° <ogc:PropertyName>nom</ogc:PropertyName></Label></TextSymbolizer></Rule></FeatureTypeStyle></UserStyle>';
    const source = doc(`<NamedLayer><Name>a</Name>${userStyle}</NamedLayer>`);
    expect(importSld(source)).toMatchObject({ ok: false, problem: { key: 'style.sld.elseFilter' } });
    const lenient = importSldLayers(source);
    if (!lenient.ok) throw new Error(lenient.problem.key);
    expect(lenient.layers[0]!.style!.classes).toEqual([expect.objectContaining({ filter: null, point: { symbol: 'square', size: 4 }, label: null })]);
  });

  it('still refuses invalid values and documents without NamedLayer', () => {
    expect(importSldLayers(doc(`<NamedLayer><Name>a</Name><UserStyle><FeatureTypeStyle><Rule>${fill('rouge')}</Rule></FeatureTypeStyle></UserStyle></NamedLayer>`)))
      .toMatchObject({ ok: false, problem: { key: 'style.sld.color' } });
    expect(importSldLayers(doc('<UserLayer><Name>a</Name></UserLayer>'))).toMatchObject({ ok: false, problem: { key: 'style.sld.noNamedLayer' } });
    expect(importSldLayers(doc('<NamedLayer><NamedStyle><Name>x</Name></NamedStyle></NamedLayer>'))).toMatchObject({ ok: false, problem: { key: 'style.sld.layerName' } });
  });
});
