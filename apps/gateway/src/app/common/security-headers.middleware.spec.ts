import helmet from 'helmet';
import { recordHeaderOps, securityHeadersMiddleware } from './security-headers.middleware';

describe('securityHeadersMiddleware', () => {
  it('given a request, when it passes, then its response gets exactly what helmet() would set and remove', () => {
    const expected = recordHeaderOps(helmet() as never);
    expect(recordHeaderOps(securityHeadersMiddleware())).toEqual(expected);
    expect(expected.map((op) => op[1])).toEqual(
      expect.arrayContaining(['Content-Security-Policy', 'Strict-Transport-Security', 'X-Content-Type-Options', 'X-Frame-Options', 'X-Powered-By']),
    );
  });

  it('given two requests, when they pass, then each gets the headers (nothing is consumed by the first)', () => {
    const middleware = securityHeadersMiddleware();
    expect(recordHeaderOps(middleware)).toEqual(recordHeaderOps(middleware));
  });
});
