namespace Portal.IntegrationTests.Security;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Infrastructure;
using Portal.Infrastructure.Artifacts;
using Portal.Tests.Shared;

/// <summary>Links on the way out of the configured roots, on a real file system: resolved as the kernel resolves them.</summary>
public sealed class ContainedPathsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "portal-paths-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly PortalAppFactory _app = new();

    public ContainedPathsTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        _app.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void A_linked_folder_on_the_way_and_dot_dot_after_a_link_are_resolved_where_they_stand()
    {
        var root = Directory.CreateDirectory(Path.Combine(_dir, "root")).FullName;
        var outside = Directory.CreateDirectory(Path.Combine(_dir, "outside", "deep")).FullName;
        File.WriteAllText(Path.Combine(_dir, "outside", "secret.sqlite"), "x");
        Directory.CreateSymbolicLink(Path.Combine(root, "up"), outside);
        Directory.CreateSymbolicLink(Path.Combine(root, "rel"), "../outside");
        Directory.CreateDirectory(Path.Combine(root, "inner"));
        Directory.CreateSymbolicLink(Path.Combine(root, "inside"), Path.Combine(root, "inner"));

        Assert.Equal(Path.Combine(outside, "x.sqlite"), ContainedPaths.Resolve(Path.Combine(root, "up", "x.sqlite")));
        // Taken as text, root/up/../secret.sqlite is root/secret.sqlite; the kernel opens outside/secret.sqlite.
        Assert.Equal(Path.Combine(_dir, "outside", "secret.sqlite"), ContainedPaths.Resolve(Path.Combine(root, "up") + "/../secret.sqlite"));
        Assert.Equal(Path.Combine(_dir, "outside", "secret.sqlite"), ContainedPaths.Resolve(Path.Combine(root, "rel", "secret.sqlite")));
        Assert.False(ContainedPaths.IsWithin(ContainedPaths.Resolve(Path.Combine(root, "up", "x.sqlite")), root));
        Assert.True(ContainedPaths.IsWithin(ContainedPaths.Resolve(Path.Combine(root, "inside", "x.sqlite")), root));
        Assert.False(ContainedPaths.IsWithin(Path.Combine(_dir, "root2", "x"), root));

        File.CreateSymbolicLink(Path.Combine(root, "loop"), Path.Combine(root, "loop"));
        Assert.Throws<IOException>(() => ContainedPaths.Resolve(Path.Combine(root, "loop", "x")));
    }

    [Theory]
    [InlineData("up/portal.db")]
    [InlineData("up/../portal.db")]
    [InlineData("inner/../up/portal.db")]
    public async Task A_source_reached_through_a_linked_folder_out_of_the_root_is_refused(string file)
    {
        var admin = _app.CreateApiClient(_app.AdminToken);
        var sources = Directory.CreateDirectory(Path.Combine(_app.DataDirectory, "sources")).FullName;
        Directory.CreateDirectory(Path.Combine(sources, "inner"));
        // sources/up leads to the data folder, where the portal's own database lies.
        Directory.CreateSymbolicLink(Path.Combine(sources, "up"), _app.DataDirectory);
        var customer = await _app.CreateCustomerAsync("Paths " + Guid.NewGuid());

        var refused = await admin.PostAsJsonAsync("/api/v1/sources", new { customerId = customer.Id, name = "escape", kind = "sqlite", connectionString = $"Data Source={file}" });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("connectionString", out _));
    }

    [Fact]
    public void A_command_folder_whose_target_leads_out_of_the_root_is_refused()
    {
        var folders = _app.Services.GetRequiredService<ArtifactFolders>();
        var command = Directory.CreateDirectory(Path.Combine(folders.Root, "project")).FullName;
        var elsewhere = Directory.CreateDirectory(Path.Combine(_dir, "elsewhere")).FullName;
        File.WriteAllText(Path.Combine(elsewhere, "run_results.json"), "{}");
        Directory.CreateSymbolicLink(Path.Combine(command, "target"), elsewhere);

        Assert.Contains("leads out of", folders.Problem("project"), StringComparison.Ordinal);

        // A target/ of its own whose run_results.json is a link out is refused too.
        var other = Directory.CreateDirectory(Path.Combine(folders.Root, "other", "target")).FullName;
        File.CreateSymbolicLink(Path.Combine(other, "run_results.json"), Path.Combine(elsewhere, "run_results.json"));
        Assert.Contains("leads out of", folders.Problem("other"), StringComparison.Ordinal);

        Directory.CreateDirectory(Path.Combine(folders.Root, "fine", "target"));
        Assert.Null(folders.Problem("fine"));
    }
}
