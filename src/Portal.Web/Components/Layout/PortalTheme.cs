namespace Portal.Web.Components.Layout;

using MudBlazor;

/// <summary>The portal's colours, light and dark.</summary>
internal static class PortalTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fbf",
            Secondary = "#5c6b7a",
            AppbarBackground = "#16324f",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#6ea8fe",
            Secondary = "#9aa9b8",
            AppbarBackground = "#111a24",
        },
    };
}
