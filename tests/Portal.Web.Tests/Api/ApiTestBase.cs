namespace Portal.Web.Tests.Api;

using Portal.Tests.Shared;

/// <summary>One portal per test class, on its own SQLite file.</summary>
public abstract class ApiTestBase : IClassFixture<PortalAppFactory>
{
    protected ApiTestBase(PortalAppFactory app) => App = app;

    protected PortalAppFactory App { get; }

    protected HttpClient Admin => App.CreateApiClient(App.AdminToken);
}
