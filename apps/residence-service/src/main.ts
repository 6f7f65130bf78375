import { runMain, startNestApp } from '@d06/platform';
import { ResidenceAppModule } from './app/residence-app.module';
import { loadResidenceConfig } from './app/residence-config';

runMain(async () => {
  const config = loadResidenceConfig(process.env);
  await startNestApp(ResidenceAppModule.forRoot(config), { host: config.httpHost, port: config.httpPort });
});
