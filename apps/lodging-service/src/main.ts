import { runMain, startNestApp } from '@d06/platform';
import { LodgingAppModule } from './app/lodging-app.module';
import { loadLodgingConfig } from './app/lodging-config';

runMain(async () => {
  const config = loadLodgingConfig(process.env);
  await startNestApp(LodgingAppModule.forRoot(config), { host: config.httpHost, port: config.httpPort });
});
