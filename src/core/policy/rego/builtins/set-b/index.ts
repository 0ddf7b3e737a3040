/**
 * Builtin set B: objects, JSON/YAML, encodings, URIs, time, units, semver, CIDRs, crypto, UUIDs,
 * graphs, walk and JWT decoding. The interpreter's registry imports `builtins` from here.
 */
import type { BuiltinDef } from '../types.js';
import { cryptoBuiltins } from './crypto.js';
import { encodingBuiltins } from './encoding.js';
import { graphBuiltins } from './graph.js';
import { jsonBuiltins } from './json.js';
import { jsonPatchBuiltins } from './json-patch.js';
import { jwtBuiltins } from './jwt.js';
import { netCidrBuiltins } from './net-cidr.js';
import { objectBuiltins } from './objects.js';
import { semverBuiltins } from './semver.js';
import { timeBuiltins } from './time.js';
import { unitsBuiltins } from './units.js';
import { uriBuiltins } from './uri.js';
import { uuidBuiltins } from './uuid.js';
import { walkBuiltins } from './walk.js';
import { yamlBuiltins } from './yaml.js';

/** Every set-B builtin definition, each name exactly once. */
export const builtins: BuiltinDef[] = [
  ...objectBuiltins,
  ...jsonBuiltins,
  ...jsonPatchBuiltins,
  ...yamlBuiltins,
  ...encodingBuiltins,
  ...uriBuiltins,
  ...timeBuiltins,
  ...unitsBuiltins,
  ...semverBuiltins,
  ...netCidrBuiltins,
  ...cryptoBuiltins,
  ...uuidBuiltins,
  ...graphBuiltins,
  ...walkBuiltins,
  ...jwtBuiltins,
];
