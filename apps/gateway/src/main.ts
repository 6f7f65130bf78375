import { runMain, startNestApp } from '@d06/platform';
import { GatewayAppModule } from './app/gateway-app.module';
import { loadGatewayConfig } from './app/gateway-config';
import { configureGateway } from './app/configure-gateway';

runMain(async () => {
  const config = loadGatewayConfig(process.env);
  await startNestApp(GatewayAppModule.forRoot(config), {
    host: config.httpHost,
    port: config.httpPort,
    bodyParser: false,
    configure: (app) => configureGateway(app, config),
  });
});
