namespace Portal.Web.Tests.Components;

using Bunit;
using Microsoft.AspNetCore.Components;
using Portal.Web.Components.Shared;

public sealed class EmptyStateTests : MudComponentTest
{
    [Fact]
    public void EmptyState_ShouldShowTitleTextAndAction()
    {
        var cut = Render<EmptyState>(p => p
            .Add(e => e.Title, "No runs yet")
            .Add(e => e.Text, "Runs appear here.")
            .Add(e => e.ChildContent, (RenderFragment)(b => b.AddMarkupContent(0, "<button id=\"act\">Go</button>"))));

        Assert.Contains("No runs yet", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("Runs appear here.", cut.Markup, StringComparison.Ordinal);
        Assert.NotNull(cut.Find("#act"));
    }

    [Fact]
    public void EmptyState_WithoutAction_ShouldRenderNoActionArea()
    {
        var cut = Render<EmptyState>(p => p.Add(e => e.Title, "Nothing"));

        Assert.Empty(cut.FindAll("div.mt-4"));
    }
}
