/** The deepest zoom the API serves and tileset metadata may declare (one limit for every component). */
export const MAX_ZOOM = 24;
