namespace Portal.Web.Tests.Components;

using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Customers;
using Portal.Core.Notifications;
using Portal.Infrastructure;
using Portal.Infrastructure.Notifications;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Secrets;
using Portal.Web.Components.Notifications;

public sealed class NotificationPanelsTests : MudComponentTest
{
    private readonly TestDatabase _db = new();

    public NotificationPanelsTests()
    {
        Services.AddSingleton<IDbContextFactory<PortalDbContext>>(_db);
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<ISecretProtector, Base64Secrets>();
        Services.AddSingleton(Options.Create(new NotificationOptions()));
        Services.AddSingleton(Options.Create(new SmtpOptions()));
        Services.AddSingleton(Options.Create(new PortalOptions()));
        Services.AddSingleton<ChannelSender>();
        Services.AddSingleton<NotificationSettings>();
        Services.AddSingleton(sp => new NotificationDispatcher(_db, sp.GetRequiredService<ChannelSender>(), Options.Create(new NotificationOptions()),
            Options.Create(new PortalOptions()), TimeProvider.System, NullLogger<NotificationDispatcher>.Instance));
        Services.AddLogging();
    }

    protected override void OnDisposed() => _db.Dispose();

    [Fact]
    public void Adding_a_webhook_shows_its_secret_once_and_a_bad_url_says_why_on_the_field()
    {
        var changed = 0;
        var cut = Render<ChannelsPanel>(p => p.Add(x => x.Changed, () => changed++));

        cut.Find("[data-testid=channel-name] input, input[data-testid=channel-name]").Change("warehouse loader");
        cut.Find("[data-testid=channel-url] input, input[data-testid=channel-url]").Change("https://10.0.0.5/hook");
        cut.Find("[data-testid=create-channel]").Click();
        cut.WaitForAssertion(() => Assert.Contains("private", cut.Markup, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=channel-secret]"));

        cut.Find("[data-testid=channel-url] input, input[data-testid=channel-url]").Change("https://93.184.215.14/hook");
        cut.Find("[data-testid=create-channel]").Click();

        cut.WaitForAssertion(() => Assert.Contains("whsec_", cut.Find("[data-testid=channel-secret]").TextContent, StringComparison.Ordinal));
        Assert.Equal(1, changed);
        using var db = _db.CreateSystemContext();
        var saved = Assert.Single(db.NotificationChannels);
        Assert.DoesNotContain("whsec_", saved.SecretCipher, StringComparison.Ordinal);
    }

    [Fact]
    public void A_customer_sees_no_customer_choice_and_a_rule_scoped_to_the_page_connection()
    {
        var customer = new Customer { Name = "Acme" };
        var connection = new Portal.Core.Connections.Connection
        {
            CustomerId = customer.Id, Name = "acme dumps", Bucket = "acme", Region = "us-east-1", ExternalId = Portal.Core.Connections.ExternalIds.Create(),
        };
        var channel = new NotificationChannel { Name = "acme mail", Kind = ChannelKind.Email, Email = "ops@acme.test", CustomerId = customer.Id };
        using (var db = _db.CreateSystemContext())
        {
            db.Customers.Add(customer);
            db.Connections.Add(connection);
            db.NotificationChannels.Add(channel);
            db.SaveChanges();
        }
        _db.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new(System.Security.Claims.ClaimTypes.Role, "Customer"), new(Portal.Core.Access.PortalClaims.CustomerId, customer.Id.ToString())], "test"));

        var channels = Render<ChannelsPanel>(p => p.Add(x => x.Channels, [channel]));
        Assert.Empty(channels.FindAll("[data-testid=channel-customer]"));

        var rules = Render<RulesPanel>(p => p.Add(x => x.Channels, [channel]).Add(x => x.Connections, [connection]).Add(x => x.ConnectionId, connection.Id));
        Assert.Empty(rules.FindAll("[data-testid=rule-scope]"));
        rules.Find("[data-testid=create-rule]").Click();

        using var check = _db.CreateSystemContext();
        var rule = Assert.Single(check.NotificationRules);
        Assert.Equal((connection.Id, "run.failed"), (rule.ConnectionId!.Value, rule.Events));
    }

    // Not encryption: enough to show the secret is stored transformed, never as shown.
    private sealed class Base64Secrets : ISecretProtector
    {
        public string Protect(Portal.Core.Secrets.SecretKind kind, string plaintext) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(plaintext));

        public string Unprotect(Portal.Core.Secrets.SecretKind kind, string cipher) => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(cipher));
    }
}
