-- What a photo sent as a file says about itself, and whether its GPS is outside the geofence.
ALTER TABLE evidence ADD COLUMN exif_taken_at TEXT;
ALTER TABLE evidence ADD COLUMN exif_latitude REAL;
ALTER TABLE evidence ADD COLUMN exif_longitude REAL;
ALTER TABLE evidence ADD COLUMN exif_distance_m REAL;
ALTER TABLE evidence ADD COLUMN exif_outside_geofence INTEGER NOT NULL DEFAULT 0;
