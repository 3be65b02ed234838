#!/usr/bin/python3
"""OWSLib GetMap with an SLD in the request (SLD_BODY), by GET in WMS 1.1.1 and 1.3.0 and by POST in 1.3.0, next to
the same GetMap without it. Usage: ogc_wms_sld_owslib.py URL LAYER OUTDIR  Writes OUTDIR/<name>.png, prints their names."""
import json
import os
import sys

from owslib.wms import WebMapService

url, name, out = sys.argv[1], sys.argv[2], sys.argv[3]
SLD = f"""<?xml version="1.0" encoding="UTF-8"?>
<StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc">
  <NamedLayer><Name>{name}</Name><UserStyle><Name>vert</Name><FeatureTypeStyle><Rule>
    <PolygonSymbolizer><Fill><CssParameter name="fill">#00ff00</CssParameter><CssParameter name="fill-opacity">1</CssParameter></Fill></PolygonSymbolizer>
  </Rule></FeatureTypeStyle></UserStyle></NamedLayer>
</StyledLayerDescriptor>"""
written = []
for version in ("1.1.1", "1.3.0"):
    wms = WebMapService(url, version=version, timeout=60)
    west, south, east, north = wms.contents[name].boundingBoxWGS84[:4]
    common = dict(layers=[name], styles=[""], srs="EPSG:4326", bbox=(west, south, east, north), size=(256, 256), format="image/png", transparent=True)
    variants = {"default": {}, "sld": {"sld_body": SLD}}
    if version == "1.3.0":
        variants["sld-post"] = {"sld_body": SLD, "method": "Post"}
    for variant, extra in variants.items():
        data = wms.getmap(**common, **extra).read()
        path = os.path.join(out, f"{variant}-{version}.png")
        with open(path, "wb") as f:
            f.write(data)
        written.append(os.path.basename(path))
print(json.dumps(written))
