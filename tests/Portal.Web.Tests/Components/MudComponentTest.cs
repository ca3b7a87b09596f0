namespace Portal.Web.Tests.Components;

using Bunit;
using MudBlazor.Services;

/// <summary>
/// A bUnit context with MudBlazor's services. MudBlazor registers services that only dispose
/// asynchronously, so the context is disposed through xUnit's async lifetime.
/// </summary>
public abstract class MudComponentTest : BunitContext, IAsyncLifetime
{
    protected MudComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        OnDisposed();
    }

    /// <summary>Cleans up what a test class added (files, databases).</summary>
    protected virtual void OnDisposed()
    {
    }
}
