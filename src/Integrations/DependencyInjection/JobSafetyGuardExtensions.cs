using JobSafety;
using JobSafety.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The DI guard: <c>services.AddJobSafety().Guard&lt;IEmailSender&gt;(SideEffectCategory.Mail)</c>.</summary>
public static class JobSafetyGuardExtensions
{
    /// <summary>
    /// Wraps the registered implementation of <typeparamref name="TService"/> (the last registration, with its lifetime) in a
    /// proxy that calls <see cref="SideEffects.Check(SideEffectCategory, string)"/> with <paramref name="category"/> and the
    /// target <c>TService.Method</c> before every method call (property getters excepted), then forwards the call.
    /// Works for any interface: ASP.NET Core <c>IEmailSender</c>, FluentEmail <c>ISender</c>, your own <c>ISmsGateway</c>.
    /// Register the service first, then call Guard.
    /// </summary>
    /// <typeparam name="TService">The service interface.</typeparam>
    /// <param name="builder">The builder returned by <c>services.AddJobSafety()</c>.</param>
    /// <param name="category">The category of the service's side effects.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException"><typeparamref name="TService"/> is not registered.</exception>
    public static JobSafetyBuilder Guard<TService>(this JobSafetyBuilder builder, SideEffectCategory category)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!typeof(TService).IsInterface) throw new ArgumentException($"{typeof(TService).Name} is not an interface: only interfaces can be guarded.", nameof(TService));
        var services = builder.Services;
        var index = -1;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(TService) && !services[i].IsKeyedService)
            {
                index = i;
                break;
            }
        }
        if (index < 0) throw new InvalidOperationException($"JobSafety: {typeof(TService).Name} is not registered; register it before calling Guard<{typeof(TService).Name}>().");
        var original = services[index];
        if (original.ImplementationFactory?.Target is GuardMarker) return builder; // already guarded

        Func<IServiceProvider, object> create = original switch
        {
            { ImplementationInstance: { } instance } => _ => instance,
            { ImplementationFactory: { } factory } => factory,
            { ImplementationType: { } type } => sp => ActivatorUtilities.CreateInstance(sp, type),
            _ => throw new InvalidOperationException($"JobSafety: cannot guard the registration of {typeof(TService).Name}."),
        };
        var marker = new GuardMarker(create, category, typeof(TService));
        services[index] = new ServiceDescriptor(typeof(TService), marker.Create, original.Lifetime);
        return builder;
    }

    private sealed class GuardMarker
    {
        private readonly Func<IServiceProvider, object> _inner;
        private readonly SideEffectCategory _category;
        private readonly Type _service;

        internal GuardMarker(Func<IServiceProvider, object> inner, SideEffectCategory category, Type service)
        {
            _inner = inner;
            _category = category;
            _service = service;
        }

        internal object Create(IServiceProvider provider) => GuardProxy.Create(_service, _inner(provider), _category);
    }
}
