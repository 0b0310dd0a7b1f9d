export const widget = (): string => "widget";
