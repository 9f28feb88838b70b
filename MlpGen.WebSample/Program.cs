using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using MlpGen.WebSample;

// The whole app is one component, the digit pad, mounted on <div id="app"> of wwwroot/index.html.
var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<DigitPad>("#app");
await builder.Build().RunAsync();
