variable "name" {
  description = "Name prefix of every resource (lower case letters, digits and hyphens)."
  type        = string
  default     = "nitrosign"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

# ---- network ---------------------------------------------------------------------------------

variable "vpc_id" {
  description = "An existing VPC to deploy into. Null creates a VPC with public and private subnets and one NAT gateway."
  type        = string
  default     = null
}

variable "private_subnet_ids" {
  description = "Private subnets (at least two, in different AZs) for the instances and the database when vpc_id is given. Their route tables need a path to the internet or VPC endpoints for KMS, S3, Secrets Manager and CloudWatch Logs."
  type        = list(string)
  default     = []
}

variable "vpc_cidr" {
  description = "CIDR of the VPC created when vpc_id is null."
  type        = string
  default     = "10.40.0.0/16"
}

variable "availability_zones" {
  description = "Availability zones of the created VPC's subnets (two or three). Empty takes the region's first two."
  type        = list(string)
  default     = []
}

variable "allowed_client_cidrs" {
  description = "CIDR blocks allowed to call the API on the internal load balancer (HTTPS, port 443): your services, never 0.0.0.0/0."
  type        = list(string)

  validation {
    condition     = length(var.allowed_client_cidrs) > 0 && !contains(var.allowed_client_cidrs, "0.0.0.0/0")
    error_message = "allowed_client_cidrs must list your clients' networks and must not be 0.0.0.0/0."
  }
}

variable "certificate_arn" {
  description = "ACM certificate of the API's HTTPS listener on the internal load balancer."
  type        = string
}

variable "public_base_url" {
  description = "The API's public base URL as clients sign requests for it (Privy authorization signatures cover the full URL), e.g. https://signer.example.com: https, the DNS name of certificate_arn pointed at the load balancer, no trailing slash. Written into the parent host's YAML as publicBaseUrl. The EIF must be built with the same value (eif-build/build.sh --public-base-url), where it is part of PCR0: changing it needs a new EIF and new enclave_pcr0_values."
  type        = string

  validation {
    condition     = can(regex("^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-])?$", var.public_base_url))
    error_message = "public_base_url must be an https URL without a trailing slash, e.g. https://signer.example.com (the same value as eif-build/build.sh --public-base-url)."
  }
}

# ---- instances and enclave -------------------------------------------------------------------

variable "instance_type" {
  description = "Nitro instance type with enclave support and at least 4 vCPUs (the enclave takes whole cores away from the parent)."
  type        = string
  default     = "m6i.xlarge"
}

variable "ami_id" {
  description = "AMI of the parent instances. Null takes the latest Amazon Linux 2023 (x86_64), which has the Nitro Enclaves CLI packages; pin it in production so a new AMI is a deliberate change."
  type        = string
  default     = null
}

variable "instance_count" {
  description = "Parent instances (each with one enclave) in the Auto Scaling group. All share the database and the sealing keys."
  type        = number
  default     = 2
}

variable "root_volume_size_gib" {
  description = "Size of the parent instance's encrypted root volume."
  type        = number
  default     = 30
}

variable "ebs_kms_key_arn" {
  description = "KMS key for the root volumes. Null uses the account's default EBS key (aws/ebs). The volumes are encrypted either way."
  type        = string
  default     = null
}

variable "enclave_cpu_count" {
  description = "vCPUs given to the enclave (reserved by nitro-enclaves-allocator; an even number on instances with hyper-threading)."
  type        = number
  default     = 2
}

variable "enclave_memory_mib" {
  description = "Memory given to the enclave in MiB (reserved by nitro-enclaves-allocator). Must hold the EIF's root file system and the JVM heap."
  type        = number
  default     = 3072
}

variable "enclave_cid" {
  description = "The enclave's vsock CID (nitro-cli run-enclave --enclave-cid); the parent host connects to vsock:<cid>:<enclave_vsock_port>."
  type        = number
  default     = 16

  validation {
    condition     = var.enclave_cid >= 4
    error_message = "CIDs 0-3 are reserved (3 is the parent)."
  }
}

variable "enclave_vsock_port" {
  description = "The vsock port the enclave listens on. Must equal the --vsock-port the EIF was built with (it is part of the image)."
  type        = number
  default     = 5000
}

variable "vsock_proxy_port" {
  description = "The parent's vsock-proxy port for KMS. Must equal the --proxy-port the EIF was built with."
  type        = number
  default     = 8000
}

variable "eif_s3_uri" {
  description = "s3://bucket/key of the EIF built by eif-build/build.sh. Null (first apply) keeps the Auto Scaling group at zero instances."
  type        = string
  default     = null

  validation {
    condition     = var.eif_s3_uri == null || can(regex("^s3://[a-z0-9.-]+/.+", var.eif_s3_uri))
    error_message = "eif_s3_uri must look like s3://bucket/path/nitrosign.eif."
  }
}

variable "eif_sha256" {
  description = "SHA-256 (hex) of the EIF file; the instance refuses to start an EIF with another digest."
  type        = string
  default     = null

  validation {
    condition     = var.eif_sha256 == null || can(regex("^[0-9a-f]{64}$", var.eif_sha256))
    error_message = "eif_sha256 must be 64 lower-case hex digits (sha256sum nitrosign.eif)."
  }
}

variable "parent_host_s3_uri" {
  description = "s3://bucket/key of a tar.gz holding parent-host.jar and its lib/ directory (parent-host/target after mvn package)."
  type        = string
  default     = null

  validation {
    condition     = var.parent_host_s3_uri == null || can(regex("^s3://[a-z0-9.-]+/.+", var.parent_host_s3_uri))
    error_message = "parent_host_s3_uri must look like s3://bucket/path/parent-host.tar.gz."
  }
}

variable "parent_host_sha256" {
  description = "SHA-256 (hex) of the parent host tar.gz."
  type        = string
  default     = null

  validation {
    condition     = var.parent_host_sha256 == null || can(regex("^[0-9a-f]{64}$", var.parent_host_sha256))
    error_message = "parent_host_sha256 must be 64 lower-case hex digits."
  }
}

# ---- KMS -------------------------------------------------------------------------------------

variable "enclave_pcr0_values" {
  description = "PCR0 values (SHA-384, hex, from pcr.json) of the enclave images the sealing keys are released to. One value normally; the old and the new one during an upgrade. Empty on the first apply (before the EIF exists): then no one can use the keys and no instance starts."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for v in var.enclave_pcr0_values : can(regex("^[0-9a-f]{96}$", v))])
    error_message = "enclave_pcr0_values must hold 96-digit lower-case hex SHA-384 values."
  }

  validation {
    condition     = !contains(var.enclave_pcr0_values, join("", [for i in range(96) : "0"]))
    error_message = "an all-zero PCR0 is a debug-mode enclave, whose memory the parent can read."
  }
}

variable "enclave_pcr8_values" {
  description = "Optional PCR8 values (hash of the EIF signing certificate, from pcr.json of a signed image). When set, the key policies require them too."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for v in var.enclave_pcr8_values : can(regex("^[0-9a-f]{96}$", v))])
    error_message = "enclave_pcr8_values must hold 96-digit lower-case hex SHA-384 values."
  }
}

variable "enclave_pcr3_values" {
  description = "Optional PCR3 values: SHA-384 of 48 zero bytes followed by the ARN of the parent instance's IAM role (output instance_role_arn; the output pcr3_command prints the command that computes it). When set, the key policy requires the enclave's attestation to carry one of them, so the public EIF started on a Nitro host under another role cannot unseal even with stolen credentials of this role."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for v in var.enclave_pcr3_values : can(regex("^[0-9a-f]{96}$", v))])
    error_message = "enclave_pcr3_values must hold 96-digit lower-case hex SHA-384 values."
  }
}

variable "enclave_pcr4_values" {
  description = "Optional PCR4 values: SHA-384 of 48 zero bytes followed by the parent's instance id. When set, only enclaves on those instances can unseal. Instance ids change with every instance the Auto Scaling group starts (refresh, replacement), so this pins a fixed fleet and needs a policy update before each new instance; leave empty unless that is wanted."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for v in var.enclave_pcr4_values : can(regex("^[0-9a-f]{96}$", v))])
    error_message = "enclave_pcr4_values must hold 96-digit lower-case hex SHA-384 values."
  }
}

variable "create_kms_vpc_endpoint" {
  description = "Create a KMS interface VPC endpoint (private DNS) in the private subnets and require, in the sealing keys' policy, that the enclave's Decrypt/GenerateDataKey come through it (aws:SourceVpce) with credentials delivered to an instance of this VPC (aws:ec2InstanceSourceVPC). Set false only with existing_kms_vpc_endpoint_id (an endpoint with private DNS that already serves this VPC) or to drop the network condition."
  type        = bool
  default     = true
}

variable "existing_kms_vpc_endpoint_id" {
  description = "When create_kms_vpc_endpoint is false: the id (vpce-...) of an existing KMS interface endpoint with private DNS in vpc_id, required by the key policy instead. Null with create_kms_vpc_endpoint = false: no aws:SourceVpce condition (KMS reached over the NAT gateway; aws:ec2InstanceSourceVPC is still required)."
  type        = string
  default     = null

  validation {
    condition     = var.existing_kms_vpc_endpoint_id == null || can(regex("^vpce-[0-9a-f]{8,17}$", var.existing_kms_vpc_endpoint_id))
    error_message = "existing_kms_vpc_endpoint_id must be a VPC endpoint id (vpce-...)."
  }
}

variable "key_admin_arns" {
  description = "IAM principals that administer the two sealing keys (policy, rotation, deletion) without being able to use them. Must include the principal that runs Terraform, or KMS refuses the policy."
  type        = list(string)

  validation {
    condition     = length(var.key_admin_arns) > 0
    error_message = "At least one key administrator is needed."
  }
}

variable "kms_deletion_window_days" {
  description = "Waiting period before a scheduled key deletion takes effect. Deleting a sealing key destroys every wallet sealed under it."
  type        = number
  default     = 30
}

# ---- database --------------------------------------------------------------------------------

variable "db_instance_class" {
  description = "RDS instance class of the PostgreSQL database."
  type        = string
  default     = "db.t4g.medium"
}

variable "db_engine_version" {
  description = "PostgreSQL major version (RDS picks the latest minor)."
  type        = string
  default     = "16"
}

variable "db_allocated_storage_gib" {
  description = "Initial storage of the database; it grows automatically up to db_max_allocated_storage_gib."
  type        = number
  default     = 50
}

variable "db_max_allocated_storage_gib" {
  description = "Upper limit of storage autoscaling."
  type        = number
  default     = 500
}

variable "db_multi_az" {
  description = "Run the database with a standby in a second AZ."
  type        = bool
  default     = true
}

variable "db_backup_retention_days" {
  description = "Days of automated backups and point-in-time recovery."
  type        = number
  default     = 14
}

variable "db_deletion_protection" {
  description = "Refuse to delete the database (turn off deliberately before a destroy). The sealed shares live there."
  type        = bool
  default     = true
}

variable "db_kms_key_arn" {
  description = "KMS key for database storage encryption. Null uses the account's default RDS key (aws/rds)."
  type        = string
  default     = null
}

# ---- logs ------------------------------------------------------------------------------------

variable "log_retention_days" {
  description = "Retention of the CloudWatch log groups."
  type        = number
  default     = 365
}

variable "log_kms_key_arn" {
  description = "KMS key to encrypt the CloudWatch log groups with (its policy must allow the logs service). Null uses CloudWatch's own encryption."
  type        = string
  default     = null
}

# ---- alarms ----------------------------------------------------------------------------------------

variable "key_alarm_sns_topic_arn" {
  description = "SNS topic that receives an event whenever someone calls PutKeyPolicy, ScheduleKeyDeletion or DisableKey on a sealing key (EventBridge rule on CloudTrail management events). Null creates a topic (output key_alarm_topic_arn) to subscribe to. A given topic's policy must allow events.amazonaws.com to publish. Needs a CloudTrail trail that logs management (write) events in this region."
  type        = string
  default     = null
}
