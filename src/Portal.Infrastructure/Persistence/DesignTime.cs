namespace Portal.Infrastructure.Persistence;

using Portal.Infrastructure.Actors;

/// <summary>The actor for <c>dotnet ef</c>: migrations need the model, not a user.</summary>
internal static class DesignTime
{
    public static ICurrentActor Actor()
    {
        var actor = new CurrentActor(new NoPrincipalAccessor());
        actor.ActAsSystem();
        return actor;
    }
}
