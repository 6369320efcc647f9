import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HotplugError } from '../../src/core/index.js';
import { parseRoutePattern, RoutePatternError } from '../../src/core/route-pattern.js';
import { routeKey } from '../../src/config/index.js';
import type { Route } from '../../src/pipeline/http/route.js';
import { RouteTable } from '../../src/pipeline/http/route-table.js';

const route = (path: string, owner = `stream ${path}`): Route => ({ path, methods: ['GET'], owner, handle: () => undefined });

function table(...paths: string[]): RouteTable {
  return new RouteTable(new Map(paths.map((p, i) => [`s${i}`, [route(p)]])));
}

/** Which route serves `pathname`, and with what params: `path {params}` or `404`. */
function served(t: RouteTable, pathname: string): string {
  const m = t.match(pathname);
  return m ? `${m.route.path} ${JSON.stringify(m.params ?? {})}` : '404';
}

test('route table: {name:regex} matches a whole segment only, and its value becomes a param', () => {
  const t = table('/users/{id:[0-9]+}', '/files/{name:[^/.]+}/raw', '/codes/{code:[A-Z]{3}}');
  const cases: Array<[string, string]> = [
    ['/users/42', '/users/{id:[0-9]+} {"id":"42"}'],
    ['/users/abc', '404'],
    ['/users/42abc', '404'], // anchored: a regex that matches part of the segment is not enough
    ['/users/', '404'], // a parameter never matches an empty segment
    ['/users/4/2', '404'],
    ['/files/report/raw', '/files/{name:[^/.]+}/raw {"name":"report"}'],
    ['/files/report.pdf/raw', '404'],
    ['/codes/EUR', '/codes/{code:[A-Z]{3}} {"code":"EUR"}'],
    ['/codes/EURO', '404'],
    ['/users/%34%32', '/users/{id:[0-9]+} {"id":"42"}'], // matched on the decoded segment, as mux does
  ];
  for (const [pathname, want] of cases) assert.equal(served(t, pathname), want, pathname);
});

test('route table: precedence is literal, then regex, then plain parameter, segment by segment from the left', () => {
  const t = table('/users/{name}', '/users/{id:[0-9]+}', '/users/me', '/a/{x}/c', '/a/b/{y}', '/v/{n:[0-9]+}', '/v/{h:[0-9a-f]+}');
  const cases: Array<[string, string]> = [
    ['/users/me', '/users/me {}'],
    ['/users/7', '/users/{id:[0-9]+} {"id":"7"}'],
    ['/users/ann', '/users/{name} {"name":"ann"}'],
    ['/a/b/c', '/a/b/{y} {"y":"c"}'], // the literal 'b' in the second segment decides
    ['/a/z/c', '/a/{x}/c {"x":"z"}'],
    // Two different regexes both matching: the order of their text decides ('[0-9]+' < '[0-9a-f]+').
    ['/v/12', '/v/{n:[0-9]+} {"n":"12"}'],
    ['/v/1f', '/v/{h:[0-9a-f]+} {"h":"1f"}'],
  ];
  for (const [pathname, want] of cases) assert.equal(served(t, pathname), want, pathname);
  // The order routes were added in does not matter.
  const reversed = table('/v/{h:[0-9a-f]+}', '/v/{n:[0-9]+}', '/a/b/{y}', '/a/{x}/c', '/users/me', '/users/{id:[0-9]+}', '/users/{name}');
  for (const [pathname, want] of cases) assert.equal(served(reversed, pathname), want, pathname);
});

test('route clashes: same pattern up to parameter names clashes; overlapping patterns do not', () => {
  const clash = (a: string, b: string): boolean => {
    try {
      table(a, b);
      return false;
    } catch (err) {
      assert.ok(err instanceof HotplugError);
      assert.equal(err.code, 'E_ROUTE_CLASH');
      return true;
    }
  };
  assert.equal(clash('/u/{id:[0-9]+}', '/u/{n:[0-9]+}'), true, 'identical regexes, other name');
  assert.equal(clash('/u/{id}', '/u/{name}'), true);
  assert.equal(clash('/u/{id}', '/u/{id:[0-9]+}'), false, 'a regex parameter is more specific than a plain one');
  assert.equal(clash('/u/{id:[0-9]+}', '/u/{id:\\d+}'), false, 'regexes are compared as written');
  assert.equal(clash('/u/me', '/u/{id}'), false);
  // The config loader (clashes across stream files) and the route table agree.
  assert.equal(routeKey('/u/{id:[0-9]+}'), routeKey('u/{n:[0-9]+}'));
  assert.notEqual(routeKey('/u/{id}'), routeKey('/u/{id:[0-9]+}'));
  assert.equal(routeKey('/f/{p:[^/]+}/x'), '/f/{:[^/]+}/x', 'a / inside a regex class does not split the path');
});

test('route patterns: every mistake is an error at its character with a hint', () => {
  const cases: Array<[string, string, number, string]> = [
    ['/a/{rest:.*}', "can match '/'", 9, '[^/]+'],
    ['/a/{x:[^a]+}', "can match '/'", 6, '[^/]+'],
    ['/a/{x:\\/}', "can match '/'", 6, '[^/]+'],
    ['/a/{x:\\w+|\\S}', "can match '/'", 10, 'one parameter each'],
    ['/a/{x:[!-0]}', "can match '/'", 6, '[a-z0-9-]+'],
    ['/a/{x:(}', "invalid regex '(': Unterminated group", 6, 'RE2 syntax'],
    ['/a/{x:a)|(b}', "invalid regex 'a)|(b'", 6, '{id:[0-9]+}'],
    ['/a/{x:}', 'empty regex', 6, '{id:[0-9]+}'],
    ['/a/{id', "'{' is never closed", 3, '{name:regex}'],
    ['/a/id}', "'}' without a '{'", 5, '{name:regex}'],
    ['/file.{ext}', 'mixes a parameter with other text', 6, 'whole segment'],
    ['/a/{:[0-9]+}', 'has no name', 4, 'names use letters'],
    ['/a/{id}/{id:[0-9]+}', "parameter 'id' appears twice", 9, 'its own name'],
  ];
  for (const [path, message, offset, hint] of cases) {
    assert.throws(
      () => parseRoutePattern(path),
      (err: unknown) => {
        assert.ok(err instanceof RoutePatternError, path);
        assert.ok(err.message.includes(message), `${path}: ${err.message}`);
        assert.equal(err.offset, offset, `${path}: offset`);
        assert.ok(err.hint.includes(hint), `${path}: ${err.hint}`);
        return true;
      },
    );
  }
  assert.throws(() => table('/a/{x:.+}'), (err: unknown) => err instanceof HotplugError && err.code === 'E_INVALID_VALUE' && err.message.includes('/a/{x:.+}'));
});
