#!/usr/bin/python3
"""OWSLib against the portal's WMS: capabilities, GetMap in EPSG:4326 and EPSG:2154, GetFeatureInfo, for 1.1.1 and 1.3.0.
Usage: ogc_wms_owslib.py URL LAYER...  Prints one JSON object of findings (the e2e test asserts on it)."""
import json
import sys
import xml.etree.ElementTree as ET

from owslib.wms import WebMapService


def lambert93_box(wms, name):
    """The layer's advertised EPSG:2154 BoundingBox (CRS= in 1.3.0, SRS= in 1.1.1), read from the capabilities."""
    root = ET.fromstring(wms.getServiceXML())
    for layer in root.iter():
        if layer.tag.split('}')[-1] != 'Layer':
            continue
        title = [c for c in layer if c.tag.split('}')[-1] == 'Name']
        if not title or title[0].text != name:
            continue
        for box in layer:
            if box.tag.split('}')[-1] == 'BoundingBox' and (box.get('CRS') or box.get('SRS')) == 'EPSG:2154':
                return tuple(float(box.get(k)) for k in ('minx', 'miny', 'maxx', 'maxy'))
    raise LookupError(name)


url, names = sys.argv[1], sys.argv[2:]
report = {}
for version in ('1.1.1', '1.3.0'):
    wms = WebMapService(url, version=version, timeout=60)
    found = {'version': wms.identification.version, 'layers': {}}
    for name in names:
        layer = wms.contents[name]
        west, south, east, north = layer.boundingBoxWGS84[:4]
        facts = {'crs': sorted(layer.crsOptions), 'wgs84': [west, south, east, north], 'queryable': layer.queryable}
        for srs in ('EPSG:4326', 'EPSG:2154'):
            if srs == 'EPSG:4326':
                bbox = (west, south, east, north)
            else:
                bbox = lambert93_box(wms, name)
            image = wms.getmap(layers=[name], styles=[''], srs=srs, bbox=bbox, size=(256, 256), format='image/png', transparent=True)
            data = image.read()
            facts['getmap_' + srs] = {'png': data[:8] == b'\x89PNG\r\n\x1a\n', 'bytes': len(data)}
        info = wms.getfeatureinfo(layers=[name], srs='EPSG:4326', bbox=(west, south, east, north), size=(256, 256), format='image/png',
                                  query_layers=[name], info_format='application/json', xy=(128, 128), feature_count=50)
        facts['featureinfo'] = json.loads(info.read())['type']
        found['layers'][name] = facts
    found['getmap_formats'] = wms.getOperationByName('GetMap').formatOptions
    found['dcp'] = wms.getOperationByName('GetMap').methods[0]['url']
    report[version] = found
print(json.dumps(report))
