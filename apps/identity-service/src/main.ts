import { runMain, startNestApp } from '@d06/platform';
import { IdentityAppModule } from './app/identity-app.module';
import { loadIdentityConfig } from './app/identity-config';

runMain(async () => {
  const config = loadIdentityConfig(process.env);
  await startNestApp(IdentityAppModule.forRoot(config), { host: config.httpHost, port: config.httpPort });
});
