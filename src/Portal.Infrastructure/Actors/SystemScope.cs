namespace Portal.Infrastructure.Actors;

using Microsoft.Extensions.DependencyInjection;

public static class SystemScope
{
    /// <summary>A DI scope for background work (jobs, seeding) that sees every customer.</summary>
    public static AsyncServiceScope CreateSystemScope(this IServiceProvider services)
    {
        var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentActor>().ActAsSystem();
        return scope;
    }
}
